import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/shared/package-root.js";

const root = packageRoot();

/**
 * The Docker image compiles with only `src/` copied in (see the Dockerfile's build stage):
 * `npm run build` must not reach tests/, bench/ or scripts/, and the image carries no test code.
 * A src test that imported tests/support once broke the image's build while everything else passed.
 */
describe("the Docker image's build (tsconfig.build.json)", () => {
  it("copies what the build needs and nothing it compiles lives outside src/", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^COPY src \.\/src$/m);
    expect(dockerfile).toMatch(/^COPY tsconfig\.json tsconfig\.build\.json \.\/$/m);
    expect(dockerfile).toMatch(/^RUN npm run build/m);

    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const listed = execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noEmit", "--listFilesOnly"], { cwd: root, encoding: "utf8", timeout: 120_000 });
    const ours = listed
      .split("\n")
      .filter(Boolean)
      .map((file) => relative(root, file))
      .filter((file) => !file.split(/[\\/]/).includes("node_modules"));
    expect(ours.length).toBeGreaterThan(100);
    expect(ours.filter((file) => !file.startsWith("src/"))).toEqual([]);
    expect(ours.filter((file) => file.endsWith(".test.ts"))).toEqual([]);
  });
});
