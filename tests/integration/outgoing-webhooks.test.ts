import { createHmac, timingSafeEqual } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPrincipal } from "../../src/access/principal.js";
import { createCalpage, type Calpage } from "../../src/app/create-calpage.js";
import { logCommand } from "../../src/cli/log-command.js";
import { parseConfig } from "../../src/config/parse-config.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import { AM_TOKEN, BACKENDS, PEOPLE, fakeSlackUsers, prepareEnv, weeklyRotaIcs, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";

const SECRET = "receiver-shared-secret-0123456789";
const WRONG_SECRET = "not-the-receivers-secret-0123456";

/** One request the receiver got, checked the way README "Outgoing webhooks" tells receivers to. */
interface Received {
  path: string;
  event: string | undefined;
  delivery: string | undefined;
  timestamp: number;
  /** The signature matches HMAC-SHA256(SECRET, "<timestamp>.<raw body>") and the timestamp is at most 5 minutes old. */
  verified: boolean;
  body: Record<string, unknown>;
  raw: string;
  headers: IncomingMessage["headers"];
}

/** The receiver's own check, written from the documentation (not calpage's signing code). */
function verify(secret: string, headers: IncomingMessage["headers"], raw: string): boolean {
  const timestamp = Number(headers["x-calpage-timestamp"]);
  const signature = String(headers["x-calpage-signature"] ?? "");
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${raw}`).digest("hex")}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

/**
 * A webhook receiver on 127.0.0.1: verifies each request's signature, records it, and answers
 * by path: /ok 200; /flaky 500 twice then 200; /down 503; /gone 404; /moved a redirect to /landing; /slow after 2.5 s;
 * anything that fails verification 401.
 */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let flaky = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      const verified = verify(SECRET, req.headers, raw);
      received.push({
        path,
        event: req.headers["x-calpage-event"] as string | undefined,
        delivery: req.headers["x-calpage-delivery"] as string | undefined,
        timestamp: Number(req.headers["x-calpage-timestamp"]),
        verified,
        body: JSON.parse(raw) as Record<string, unknown>,
        raw,
        headers: req.headers,
      });
      const answer = (status: number) => res.writeHead(status, { "content-type": "text/plain" }).end(String(status));
      if (!verified) return answer(401);
      if (path === "/flaky") return answer(++flaky <= 2 ? 500 : 200);
      if (path === "/down") return answer(503);
      if (path === "/gone") return answer(404);
      if (path === "/moved") return void res.writeHead(302, { location: "/landing" }).end();
      if (path === "/slow") return void setTimeout(() => answer(200), 2500).unref();
      answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `main` takes the integration's hook, `side` the routes' (so their log lines name different hosts). */
function configYaml(main: string, side: string): string {
  const users = Object.values(PEOPLE).map((p) => `  - email: ${p.email}\n    name: ${p.name}`).join("\n");
  const route = (team: string, hook: string) => `      - matchers: ['team="${team}"']
        outgoing_webhooks:
          - url: ${side}/${hook}`;
  return `timezone: Europe/Berlin
users:
${users}
schedules:
  - name: primary
    feed: ./oncall.ics
escalation_chains:
  - name: default
    steps:
      - notify_users: [alice@example.com]
      - wait: 1h
      - notify_users: [bob@example.com]
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
    outgoing_webhooks:
      - url: ${main}/ok
        secret: \${HOOK_SECRET}
        headers: {X-Ticket-Queue: ops}
    routes:
${route("flaky", "flaky")}
            events: [opened]
            secret: \${HOOK_SECRET}
${route("down", "down")}
            events: [opened]
            secret: \${HOOK_SECRET}
            retries: 2
${route("gone", "gone")}
            events: [opened]
            secret: \${HOOK_SECRET}
${route("moved", "moved")}
            events: [opened]
            secret: \${HOOK_SECRET}
${route("slow", "slow")}
            events: [opened]
            secret: \${HOOK_SECRET}
            timeout: 1s
            retries: 0
${route("forged", "forged")}
            events: [opened]
            secret: ${WRONG_SECRET}
  - name: templated
    type: alertmanager
    token: templated-webhook-token-0001
    chain: default
    channel: "#alerts"
    templates:
      webhook_body: '{"event": "{{ event }}", "number": {{ alert_group.number }}, "summary": "{{ annotations.summary }}", "labels": {{ labels | json }}, "alert_group": {"id": "{{ alert_group.id }}"}}'
    outgoing_webhooks:
      - url: ${main}/templated
        secret: \${HOOK_SECRET}
        events: [opened, resolved]
`;
}

describe.each(BACKENDS)("outgoing webhooks (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let base: string;
  let main: Awaited<ReturnType<typeof startReceiver>>;
  let side: Awaited<ReturnType<typeof startReceiver>>;

  const alert = (team: string, status: "firing" | "resolved" = "firing") => ({
    version: "4",
    receiver: "calpage",
    status,
    groupKey: `{}:{team="${team}"}`,
    groupLabels: { team },
    commonLabels: { alertname: `Webhooks-${team}`, team },
    commonAnnotations: { summary: `Trouble in ${team}` },
    externalURL: "http://alertmanager.example.com",
    alerts: [{ status, labels: { alertname: `Webhooks-${team}`, team }, annotations: {}, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", fingerprint: `fp-${team}` }],
  });
  const post = async (body: unknown): Promise<AlertGroupRecord> => {
    const res = await fetch(`${base}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const { groups } = (await res.json()) as { groups: { number: number }[] };
    return (await app.store.read.groups.getByNumber(groups[0]!.number))!;
  };
  const to = (path: string, group?: AlertGroupRecord) =>
    [...main.received, ...side.received].filter((r) => r.path === path && (!group || (r.body.alert_group as { id: string }).id === group.id));
  const logOf = async (group: AlertGroupRecord) => (await app.store.read.log.list(group.id)).map((e) => `${e.kind}: ${e.text}`);
  const host = () => new URL(main.url).host;
  const sideHost = () => new URL(side.url).host;

  beforeAll(async () => {
    main = await startReceiver();
    side = await startReceiver();
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs("Alice Example", new Date()));
    const path = join(env.dir, "calpage.yaml");
    const yaml = configYaml(main.url, side.url);
    writeFileSync(path, yaml);
    const parsed = parseConfig(yaml, path, { ...env.env, HOOK_SECRET: SECRET });
    if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.errors)}`);
    // Retries 50 ms apart instead of 10 s, 30 s, 1 min…
    app = await createCalpage(parsed.value, { log: () => undefined, sweepEveryMs: 1000, webhookRetryDelaysMs: [50, 50, 50] });
    base = `http://127.0.0.1:${await app.start(0, "127.0.0.1")}`;
  });
  afterAll(async () => {
    await app?.stop();
    await main?.close();
    await side?.close();
    await slack?.close();
    await env?.cleanup();
  });

  it("POSTs every event of a group's life, signed, once per change, and logs each delivery on the group", async () => {
    const ops = cliPrincipal("ops");
    const g = await post(alert("ok"));
    const events = () => to("/ok", g).map((r) => r.event);
    // Opened, and the chain's first step notified Alice: escalated.
    await waitFor(() => expect(events().sort()).toEqual(["escalated", "opened"]), { timeoutMs: 10_000 });

    const step = async (act: () => Promise<unknown>, expected: string[]) => {
      const before = events().length;
      await act();
      await waitFor(() => expect(events().slice(before).sort()).toEqual([...expected].sort()), { timeoutMs: 10_000 });
    };
    const now = () => Date.now();
    // A re-sent alert and a refused action change nothing, so they send nothing (the next step's exact list shows it).
    await post(alert("ok"));
    await step(() => app.guarded(ops, "cli", g.id, "acknowledge", now()), ["acknowledged"]);
    expect(await app.guarded(ops, "cli", g.id, "acknowledge", now())).toMatchObject({ ok: false });
    // Unacknowledged: the chain restarts, its first step notifies again.
    await step(() => app.guarded(ops, "cli", g.id, "unacknowledge", now()), ["unacknowledged", "escalated"]);
    await step(() => app.guarded(ops, "cli", g.id, "silence", now(), { seconds: 3600 }), ["silenced"]);
    await step(() => app.guarded(ops, "cli", g.id, "unsilence", now()), ["unsilenced", "escalated"]);
    // Escalate now: the waiting step 3 runs at once, and the event names who escalated.
    await step(() => app.guarded(ops, "cli", g.id, "escalate", now()), ["escalated"]);
    await step(() => app.guarded(ops, "cli", g.id, "resolve", now()), ["resolved"]);
    await step(() => app.guarded(ops, "cli", g.id, "unresolve", now()), ["unresolved", "escalated"]);
    await step(() => post(alert("ok", "resolved")), ["resolved"]);

    const got = to("/ok", g);
    // Every request verifies with the documented algorithm and carries its event in header and body.
    expect(got.every((r) => r.verified)).toBe(true);
    for (const r of got) {
      expect(r.body.event).toBe(r.event);
      expect(r.body.delivery_id).toBe(r.delivery);
      expect(r.headers["x-ticket-queue"]).toBe("ops");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(Math.abs(r.timestamp - Date.now() / 1000)).toBeLessThan(120);
    }
    // One delivery per change: no delivery id twice.
    expect(new Set(got.map((r) => r.delivery)).size).toBe(got.length);
    expect(got).toHaveLength(13);

    const byEvent = (e: string) => got.filter((r) => r.event === e).map((r) => r.body);
    const ack = byEvent("acknowledged")[0]!;
    expect(ack.actor).toEqual({ kind: "cli", id: "ops", name: "ops (CLI)" });
    expect(ack.alert_group).toMatchObject({ id: g.id, number: g.number, state: "acknowledged", acknowledged_by: "ops (CLI)", integration: "prod", labels: { team: "ok" } });
    expect(ack.calpage_url).toBe(app.config.env.publicUrl.replace(/\/$/, ""));
    expect(byEvent("opened")[0]!.actor).toEqual({ kind: "system", id: "prod", name: "Alertmanager" });
    expect((byEvent("silenced")[0]!.alert_group as { silenced_until: string | null }).silenced_until).not.toBeNull();
    const manual = byEvent("escalated").find((b) => b.actor !== null)!;
    expect(manual).toMatchObject({ actor: { kind: "cli", id: "ops" }, escalation_step: 3 });
    expect(byEvent("escalated").filter((b) => b.actor === null).map((b) => b.escalation_step)).toEqual([1, 1, 1, 1]);
    const resolved = byEvent("resolved");
    expect(resolved.map((b) => (b.actor as { name: string }).name).sort()).toEqual(["Alertmanager", "ops (CLI)"]);
    expect(resolved.every((b) => (b.alert_group as { state: string }).state === "resolved")).toBe(true);

    // The group's log (its Slack thread and `calpage log`): one line per delivery.
    const log = await waitFor(async () => {
      const lines = (await logOf(g)).filter((l) => l.startsWith("webhook: Webhook"));
      return lines.length === 13 && lines;
    });
    expect(log).toContain(`webhook: Webhook ${host()}: acknowledged delivered (HTTP 200).`);
    expect(log.filter((l) => l.includes("escalated delivered"))).toHaveLength(5);
    // `calpage log <n>` prints them.
    const printed: string[] = [];
    const code = await logCommand.run({ args: [String(g.number)], configPath: app.config.path, env: {}, out: (l) => printed.push(l), err: (l) => printed.push(l), config: () => app.config, option: () => undefined });
    expect(code).toBe(0);
    expect(printed.filter((l) => / webhook +Webhook 127\.0\.0\.1:\d+: \w+ delivered \(HTTP 200\)\.$/.test(l))).toHaveLength(13);
  });

  it("retries after 500s with the same delivery id and a fresh signature, then logs the delivery", async () => {
    const g = await post(alert("flaky"));
    const line = await waitFor(async () => (await logOf(g)).find((l) => l.includes(`${sideHost()}: opened delivered`)), { timeoutMs: 10_000 });
    expect(line).toBe(`webhook: Webhook ${sideHost()}: opened delivered (HTTP 200) after 3 attempts.`);
    const got = to("/flaky", g);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.delivery)).size).toBe(1);
    expect(got.every((r) => r.verified)).toBe(true);
    expect(await logOf(g)).toContain(`warning: Webhook ${sideHost()}: opened failed (HTTP 500); retrying up to 5 times.`);
  });

  it("gives up after its retries and says so on the group", async () => {
    const g = await post(alert("down"));
    const line = await waitFor(async () => (await logOf(g)).find((l) => l.includes("failed after")), { timeoutMs: 10_000 });
    expect(line).toBe(`warning: Webhook ${sideHost()}: opened failed after 3 attempts (HTTP 503).`);
    expect(to("/down", g)).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 400));
    expect(to("/down", g)).toHaveLength(3);
  });

  it("does not retry a 4xx", async () => {
    const g = await post(alert("gone"));
    const line = await waitFor(async () => (await logOf(g)).find((l) => l.includes("refused")), { timeoutMs: 10_000 });
    expect(line).toBe(`warning: Webhook ${sideHost()}: opened refused (HTTP 404); not retried.`);
    await new Promise((r) => setTimeout(r, 400));
    expect(to("/gone", g)).toHaveLength(1);
  });

  it("does not follow a redirect", async () => {
    const g = await post(alert("moved"));
    const line = await waitFor(async () => (await logOf(g)).find((l) => l.includes("refused")), { timeoutMs: 10_000 });
    expect(line).toBe(`warning: Webhook ${sideHost()}: opened refused (HTTP 302, a redirect; redirects are not followed); not retried.`);
    await new Promise((r) => setTimeout(r, 400));
    expect(to("/moved", g)).toHaveLength(1);
    expect(to("/landing", g)).toHaveLength(0);
  });

  it("times out a receiver slower than the hook's timeout", async () => {
    const g = await post(alert("slow"));
    const line = await waitFor(async () => (await logOf(g)).find((l) => l.includes("timed out")), { timeoutMs: 10_000 });
    expect(line).toBe(`warning: Webhook ${sideHost()}: opened failed after 1 attempt (timed out after 1s).`);
    expect(to("/slow", g)).toHaveLength(1);
  });

  it("signs with the hook's secret: a receiver with another secret refuses the request", async () => {
    const g = await post(alert("forged"));
    const line = await waitFor(async () => (await logOf(g)).find((l) => l.includes("refused")), { timeoutMs: 10_000 });
    expect(line).toBe(`warning: Webhook ${sideHost()}: opened refused (HTTP 401); not retried.`);
    const [r] = to("/forged", g);
    expect(r!.verified).toBe(false);
    // Signed correctly, only with the other secret.
    expect(r!.headers["x-calpage-signature"]).toBe(`sha256=${createHmac("sha256", WRONG_SECRET).update(`${r!.timestamp}.${r!.raw}`).digest("hex")}`);
  });

  it("sends the integration's templates.webhook_body instead of the default body: valid JSON, values escaped, signed", async () => {
    const payload = alert("tpl");
    payload.alerts[0]!.annotations = { summary: 'Disk "full" on db-1\\n<!channel>' };
    const res = await fetch(`${base}/integrations/v1/alertmanager/templated-webhook-token-0001/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(res.status).toBe(200);
    const { groups } = (await res.json()) as { groups: { number: number }[] };
    const g = (await app.store.read.groups.getByNumber(groups[0]!.number))!;
    await waitFor(async () => to("/templated", g).length === 1, { timeoutMs: 10_000, description: "the templated delivery" });
    const [r] = to("/templated", g);
    expect(r!.verified).toBe(true);
    expect(r!.event).toBe("opened");
    expect(JSON.parse(r!.raw)).toEqual({ event: "opened", number: g.number, summary: 'Disk "full" on db-1\\n<!channel>', labels: { alertname: "Webhooks-tpl", team: "tpl" }, alert_group: { id: g.id } });
    // The line is written after the receiver answered: wait for it as the other cases do.
    await waitFor(async () => (await logOf(g)).includes(`webhook: Webhook ${host()}: opened delivered (HTTP 200).`), { timeoutMs: 10_000, description: "the delivery logged" });
  });

  it("counts deliveries in calpage_outgoing_webhook_deliveries_total", async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const count = (outcome: string) => Number(new RegExp(`calpage_outgoing_webhook_deliveries_total\\{outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(count("delivered")).toBeGreaterThanOrEqual(15);
    expect(count("retried")).toBeGreaterThanOrEqual(4);
    expect(count("failed")).toBeGreaterThanOrEqual(5);
  });
});
