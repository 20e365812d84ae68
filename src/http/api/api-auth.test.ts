import { describe, expect, it } from "vitest";
import type { ApiTokenConfig } from "../../config/config-types.js";
import { bearerToken, findApiToken } from "./api-auth.js";

const TOKENS: ApiTokenConfig[] = [
  { name: "panel", token: "read-token-000000000000000001", scope: "read", as: null },
  { name: "robot", token: "write-token-00000000000000001", scope: "write", as: "alice@example.com" },
];

describe("API bearer tokens", () => {
  it("reads the token of a Bearer Authorization header, any case of the scheme", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Bearer two words")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it("finds the token whose secret matches exactly, and nothing for a prefix or a near miss", () => {
    expect(findApiToken(TOKENS, "write-token-00000000000000001")?.name).toBe("robot");
    expect(findApiToken(TOKENS, "read-token-000000000000000001")?.name).toBe("panel");
    expect(findApiToken(TOKENS, "read-token-00000000000000000")).toBeNull();
    expect(findApiToken(TOKENS, "read-token-000000000000000002")).toBeNull();
    expect(findApiToken([], "read-token-000000000000000001")).toBeNull();
  });
});
