import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeCliContext } from "./cli-context.js";

describe("CLI error output", () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function captureStderr(): string[] {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  }

  it("redacts secrets of the environment, of the loaded config, and phone numbers", () => {
    const dir = mkdtempSync(join(tmpdir(), "calpage-cli-ctx-"));
    dirs.push(dir);
    const path = join(dir, "calpage.yaml");
    writeFileSync(path, `users:\n  - email: a@example.com\n    name: A\n    phone: "+15550000001"\nintegrations:\n  - name: am\n    type: alertmanager\n    token: \${AM_TOKEN}\n`);
    const ctx = makeCliContext([], { SLACK_BOT_TOKEN: "xoxb-cli-bot-token-1", SLACK_SIGNING_SECRET: "cli-slack-signing-secret-0123", AM_TOKEN: "cli-am-token-0123456789" }, path);
    const written = captureStderr();
    ctx.err("before the config: cli-slack-signing-secret-0123 and cli-am-token-0123456789");
    ctx.config();
    ctx.err("after the config: cli-am-token-0123456789, texting +15550000001");
    expect(written).toEqual(["before the config: [redacted] and cli-am-token-0123456789\n", "after the config: [redacted], texting …0001\n"]);
  });

  it("leaves standard output (calpage urls prints tokens on purpose) as it is", () => {
    const ctx = makeCliContext([], { SLACK_BOT_TOKEN: "xoxb-cli-bot-token-1" }, "/nonexistent/calpage.yaml");
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    ctx.out("http://localhost:8080/integrations/v1/alertmanager/some-token-0123456789/");
    expect(written).toEqual(["http://localhost:8080/integrations/v1/alertmanager/some-token-0123456789/\n"]);
  });
});
