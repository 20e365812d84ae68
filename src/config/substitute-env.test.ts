import { describe, expect, it } from "vitest";
import { substituteEnv } from "./substitute-env.js";

const env = { AM_TOKEN: "s3cr3t-token-value", EMPTY: "", HOST: "example.com", PORT: "9093" };

describe("substituteEnv", () => {
  it.each([
    ["no references", "no references"],
    ["${AM_TOKEN}", "s3cr3t-token-value"],
    ["https://${HOST}:${PORT}/x", "https://example.com:9093/x"],
    ["${MISSING:-fallback}", "fallback"],
    ["${EMPTY:-fallback}", "fallback"],
    ["${HOST:-fallback}", "example.com"],
    ["${MISSING:-}", ""],
    ["${MISSING:-a:b-c d}", "a:b-c d"],
    ["${EMPTY}", ""],
    ["$${HOST}", "${HOST}"],
    // Read left to right: a lone "$" stays, then "$${" is the literal.
    ["$$${HOST}", "$${HOST}"],
    ["price: $5 and $HOST", "price: $5 and $HOST"],
    ["ends with $", "ends with $"],
  ])("%j -> %j", (text, expected) => {
    expect(substituteEnv(text, env)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["${AM_TOKEN_2}", ["environment variable AM_TOKEN_2 is not set"]],
    ["${A} and ${B}", ["environment variable A is not set", "environment variable B is not set"]],
    ["${}", ["invalid reference ${}; expected ${VAR} or ${VAR:-default} (write $${ for a literal ${)"]],
    ["${1ABC}", ["invalid reference ${1ABC}; expected ${VAR} or ${VAR:-default} (write $${ for a literal ${)"]],
    ["${HOST-default}", ["invalid reference ${HOST-default}; expected ${VAR} or ${VAR:-default} (write $${ for a literal ${)"]],
    ["abc ${HOST", ['unterminated ${ in "abc ${HOST"; expected ${VAR} or ${VAR:-default} (write $${ for a literal ${)']],
  ])("%j reports %j", (text, errors) => {
    expect(substituteEnv(text, env)).toEqual({ ok: false, errors });
  });
});
