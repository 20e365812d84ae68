import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { AM_TOKEN, BACKENDS, fakeSlackUsers, prepareEnv, startInProcess, weeklyRotaIcs, writeConfig, type Env } from "../e2e/harness.js";

const root = join(import.meta.dirname, "..", "..");
const firing = JSON.parse(readFileSync(join(root, "tests/fixtures/payloads/alertmanager-firing.json"), "utf8")) as Record<string, unknown>;
const CHAIN = `      - wait: 1h
      - notify_users: [alice@example.com]`;

describe.each(BACKENDS)("POST /integrations/v1/alertmanager/<token>/ (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let base: string;
  const post = (body: string | Buffer, token = AM_TOKEN) =>
    fetch(`${base}/integrations/v1/alertmanager/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body });

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const path = writeConfig(env.dir, { ics: weeklyRotaIcs("Alice Example", new Date()), chain: CHAIN });
    ({ app, url: base } = await startInProcess(path, env.env, readFileSync(path, "utf8")));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("groups repeats of a still-firing Alertmanager group into one alert group and resolves it", async () => {
    const key = { ...firing, groupKey: `{}:{alertname="Repeat-${backend}"}` };
    const r1 = await post(JSON.stringify(key));
    expect(r1.status).toBe(200);
    const b1 = (await r1.json()) as { groups: { number: number; opened: boolean }[] };
    expect(b1.groups[0]!.opened).toBe(true);
    const r2 = await post(JSON.stringify(key));
    const b2 = (await r2.json()) as { groups: { number: number; opened: boolean }[] };
    expect(b2.groups[0]).toMatchObject({ number: b1.groups[0]!.number, opened: false });
    const group = (await app.store.read.groups.getByNumber(b1.groups[0]!.number))!;
    // A repeat carries the same alerts again: they are updated, not added.
    expect(group.alertCount).toBe((firing.alerts as unknown[]).length);
    expect(await app.store.read.alerts.countForGroup(group.id)).toBe((firing.alerts as unknown[]).length);
    // Only one page was planned for the group however many repeats arrived.
    expect(await app.store.read.pages.listForGroup(group.id)).toHaveLength(0);

    const resolved = await post(JSON.stringify({ ...key, status: "resolved", alerts: (firing.alerts as Record<string, unknown>[]).map((a) => ({ ...a, status: "resolved" })) }));
    expect(resolved.status).toBe(200);
    expect((await app.store.read.groups.get(group.id))!.state).toBe("resolved");
    // After resolve a new firing opens a new group.
    const r3 = await post(JSON.stringify(key));
    const b3 = (await r3.json()) as { groups: { number: number; opened: boolean }[] };
    expect(b3.groups[0]!.opened).toBe(true);
    expect(b3.groups[0]!.number).not.toBe(b1.groups[0]!.number);
  });

  it("refuses bad requests with a message naming the field and leaves stored data untouched", async () => {
    const before = { groups: await app.store.read.groups.count(), alerts: await app.store.read.alerts.countAll() };

    const badJson = await post("{not json");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toMatch(/^body: invalid JSON/);

    const missing = await post(JSON.stringify({ ...firing, groupKey: undefined }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^groupKey:/);

    const wrongType = await post(JSON.stringify({ ...firing, alerts: [{ status: "firing", labels: "nope" }] }));
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: string }).error).toMatch(/^alerts\[0\]\.labels:/);

    const badUtf8 = await post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(badUtf8.status).toBe(400);
    expect(((await badUtf8.json()) as { error: string }).error).toBe("body: not valid UTF-8");

    const huge = await post("x".repeat(10 * 1024 * 1024 + 10));
    expect(huge.status).toBe(413);

    const unknown = await post(JSON.stringify(firing), "not-a-real-token-000000");
    expect(unknown.status).toBe(403);
    const unknownBody = await unknown.text();
    expect(unknownBody).not.toContain(AM_TOKEN);
    const wrongType2 = await fetch(`${base}/integrations/v1/grafana_alerting/${AM_TOKEN}/`, { method: "POST", body: JSON.stringify(firing) });
    expect(wrongType2.status).toBe(403);

    expect({ groups: await app.store.read.groups.count(), alerts: await app.store.read.alerts.countAll() }).toEqual(before);
  });

  it("answers GET on the integration URL with what it expects and an example curl", async () => {
    const res = await fetch(`${base}/integrations/v1/alertmanager/${AM_TOKEN}/`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("Alertmanager");
    expect(text).toContain("curl -X POST");
  });

  it("serves health and Prometheus metrics", async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/calpage_alerts_received_total\{integration="prod"\} \d+/);
    expect(metrics).toContain("# TYPE calpage_http_requests_total counter");
  });
});
