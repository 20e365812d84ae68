import { describe, expect, it } from "vitest";
import { choosePackage, CLASSIC_PACKAGE, NAPI_PACKAGE } from "./sqlite-driver.js";

describe("choosePackage", () => {
  it("keeps better-sqlite3 12.x on Node 20, where 13.x does not install", () => {
    expect(choosePackage(20, false)).toEqual({ packageName: CLASSIC_PACKAGE });
    expect(choosePackage(20, true)).toEqual({ packageName: CLASSIC_PACKAGE });
  });

  it("takes the Node-API build on Node 22 and later when it is installed", () => {
    expect(choosePackage(22, true)).toEqual({ packageName: NAPI_PACKAGE });
    expect(choosePackage(24, true)).toEqual({ packageName: NAPI_PACKAGE });
  });

  it("falls back to 12.x without it, and warns on Node 24 where 12.x can abort the process", () => {
    expect(choosePackage(22, false)).toEqual({ packageName: CLASSIC_PACKAGE });
    const on24 = choosePackage(24, false);
    expect(on24.packageName).toBe(CLASSIC_PACKAGE);
    expect(on24.warning).toMatch(/abort the process.*better-sqlite3-napi/);
  });
});
