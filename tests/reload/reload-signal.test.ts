import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startChildCalpage, waitReady, type ChildCalpage } from "../e2e/child-calpage.js";
import { fakeSlackUsers, prepareEnv, type Env } from "../e2e/harness.js";
import { getFreePort } from "../support/free-port.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";

/** What the child said: the `msg` of each structured log line (plain lines as they are). */
function messagesOf(output: string[]): string {
  return output
    .join("")
    .split("\n")
    .map((line) => {
      try {
        return String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
      } catch {
        return line;
      }
    })
    .join("\n");
}

/** `calpage start` as its own process: SIGHUP reloads calpage.yaml, and so does saving it with --watch-config. */

const OLD_TOKEN = "signal-test-token-old-00000001";
const NEW_TOKEN = "signal-test-token-new-00000002";

const yaml = (token: string, chainUser = "alice@example.com") => `timezone: Europe/Berlin
users:
  - email: alice@example.com
    name: Alice Example
escalation_chains:
  - name: ops
    steps:
      - notify_users: [${chainUser}]
integrations:
  - name: hook
    type: webhook
    token: ${token}
    chain: ops
`;

describe("reloading a running calpage process (sqlite)", () => {
  let slack: FakeSlack | null = null;
  let env: Env | null = null;
  let calpage: ChildCalpage | null = null;
  const said = () => messagesOf(calpage!.output);

  afterEach(async () => {
    if (calpage?.child.exitCode === null) {
      calpage.child.kill("SIGTERM");
      await calpage.exited;
    }
    await slack?.close();
    await env?.cleanup();
  });

  async function start(extraArgs: string[]): Promise<{ configPath: string; post: (token: string) => Promise<number> }> {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv("sqlite", slack, await getFreePort());
    const configPath = join(env.dir, "calpage.yaml");
    writeFileSync(configPath, yaml(OLD_TOKEN));
    calpage = startChildCalpage(env.env, configPath, Number(env.env.PORT), [process.execPath, "--import", "tsx", "src/cli.ts", "start", "--config", configPath, ...extraArgs]);
    await waitReady(calpage.url);
    const url = calpage.url;
    const post = async (token: string) =>
      (await fetch(`${url}/integrations/v1/webhook/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Disk full", status: "firing" }) })).status;
    return { configPath, post };
  }

  it("SIGHUP applies a new token and refuses a bad file with file:line, without stopping", async () => {
    const { configPath, post } = await start([]);
    expect(await post(OLD_TOKEN)).toBe(200);
    // The start line names the pid to signal.
    expect(said()).toContain(`pid ${calpage!.child.pid}: SIGHUP reloads the config`);

    writeFileSync(configPath, yaml(NEW_TOKEN));
    calpage!.child.kill("SIGHUP");
    await waitFor(() => said().includes("config reload (SIGHUP): applied"), { timeoutMs: 20_000, description: "reload applied" });
    expect(await post(NEW_TOKEN)).toBe(200);
    expect(await post(OLD_TOKEN)).toBe(403);

    writeFileSync(configPath, yaml(NEW_TOKEN, "mallory@example.com"));
    calpage!.child.kill("SIGHUP");
    await waitFor(() => said().includes("config reload (SIGHUP) refused"), { timeoutMs: 20_000, description: "reload refused" });
    expect(said()).toContain(`${configPath}:8: escalation_chains[0].steps[0].notify_users[0]: no user "mallory@example.com"`);
    expect(await post(NEW_TOKEN)).toBe(200);
    expect(calpage!.child.exitCode).toBe(null);

    calpage!.child.kill("SIGTERM");
    expect(await calpage!.exited).toBe(0);
  });

  it("--watch-config reloads when the file is saved", async () => {
    const { configPath, post } = await start(["--watch-config"]);
    await waitFor(() => said().includes(`watching ${configPath}`), { timeoutMs: 10_000, description: "watching" });
    writeFileSync(configPath, yaml(NEW_TOKEN));
    await waitFor(() => said().includes("config reload (file changed): applied"), { timeoutMs: 20_000, description: "reload on save" });
    expect(await post(NEW_TOKEN)).toBe(200);
    expect(await post(OLD_TOKEN)).toBe(403);
  });
});
