import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { OPENAPI_DOCUMENT } from "../../src/http/api/openapi-document.js";
import { BACKENDS, prepareEnv, startInProcess, writeConfigText, type Env } from "../e2e/harness.js";
import { ics } from "../schedule/schedule-harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";

/**
 * The HTTP API /api/v1 (README "API") against the real HTTP server, on both backends: every endpoint
 * with a read and a write token, the refusals (401, 403 scope, 403 access rules, 400 naming the field,
 * 404, 405, 409), pagination, and `oncall` against `calpage who --at`. Every response the tests get is
 * checked against the OpenAPI document's schema for its path, method and status.
 */

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const H = 3_600_000;
const AM = "api-test-alertmanager-token-01";
const T = {
  reader: "reader-token-abcdefghijklmnopqrstuvwxyz",
  rita: "rita-bot-token-abcdefghijklmnopqrstuvwx",
  otto: "otto-bot-token-abcdefghijklmnopqrstuvwx",
  ada: "ada-bot-token-abcdefghijklmnopqrstuvwxy",
  later: "later-token-abcdefghijklmnopqrstuvwxyz1",
};
const P = {
  ada: { email: "ada@example.com", name: "Ada Admin", id: "U0ADA0001" },
  rita: { email: "rita@example.com", name: "Rita Responder", id: "U0RITA001" },
  otto: { email: "otto@example.com", name: "Otto Other", id: "U0OTTO001" },
  bob: { email: "bob@example.com", name: "Bob Builder", id: "U0BOB0001" },
};

function configYaml(extraTokens = ""): string {
  return `timezone: Europe/Berlin
users:
${Object.values(P)
  .map((p) => `  - email: ${p.email}\n    name: ${p.name}`)
  .join("\n")}
access:
  admins: [ada@example.com]
  max_silence: 2h
schedules:
  - name: primary
    feed: ./rota.ics
  - name: never-read
    feed: http://127.0.0.1:1/never.ics
escalation_chains:
  - name: db
    steps:
      - wait: 1h
      - notify_users: [bob@example.com]
integrations:
  - name: db
    type: alertmanager
    token: ${AM}
    chain: db
    channel: "#db-alerts"
    responders: [rita@example.com]
  - name: web
    type: alertmanager
    token: ${AM}-web
    chain: db
api:
  tokens:
    - name: reader
      token: ${T.reader}
      scope: read
    - name: rita-bot
      token: ${T.rita}
      scope: write
      as: Rita Responder
    - name: otto-bot
      token: ${T.otto}
      scope: write
      as: otto@example.com
    - name: ada-bot
      token: ${T.ada}
      scope: write
      as: ada@example.com
${extraTokens}`;
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document as the judge of every response.

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/);
ajv.addSchema({ ...structuredClone(OPENAPI_DOCUMENT), $id: "openapi.json" });
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const templates = Object.keys(OPENAPI_DOCUMENT.paths).map((t) => ({ t, re: new RegExp(`^/api/v1${t.replace(/\{[^}]+\}/g, "[^/]+")}$`) }));
/** Operations (`get /oncall`) answered at least once in a describe block, to show every one is tested. */
const exercised = new Set<string>();

/**
 * Checks `body` against the document's schema for this path, method and status; throws with ajv's
 * errors. A path or method the document does not have must be an error in the API's Error shape.
 */
function checkAgainstDocument(method: string, path: string, status: number, body: unknown): void {
  const template = templates.find((x) => x.re.test(path.split("?")[0]!))?.t;
  const m = method.toLowerCase();
  const op = template ? (OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>)[template]?.[m] : undefined;
  if (!template || !op) {
    if (status < 400) throw new Error(`${method} ${path} answered ${status}, but openapi.json has no such operation`);
    const error = ajv.getSchema("openapi.json#/components/schemas/Error")!;
    if (!error(body)) throw new Error(`${method} ${path} ${status}: not an Error: ${ajv.errorsText(error.errors)}`);
    return;
  }
  const response = op.responses[String(status)];
  if (!response) throw new Error(`${method} ${template} answered ${status}, which openapi.json does not list`);
  const at = response.$ref ? `${response.$ref}/content/application~1json/schema` : `#/${pointer("paths", template, m, "responses", String(status), "content", "application/json", "schema")}`;
  const validate = ajv.getSchema(`openapi.json${at}`);
  if (!validate) throw new Error(`no schema at ${at}`);
  if (!validate(body)) throw new Error(`${method} ${path} ${status}: the answer does not match openapi.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  exercised.add(`${m} ${template}`);
}

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

// ---------------------------------------------------------------------------------------------

describe.each(BACKENDS)("HTTP API /api/v1 (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let base: string;
  let logs: string[];
  let configPath: string;
  let t0: number;
  let alertSeq = 0;

  /** Sends a request and checks the answer against openapi.json. */
  async function api(method: string, path: string, opts: { token?: string | null; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const token = opts.token === undefined ? T.reader : opts.token;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body: unknown = await res.json();
    checkAgainstDocument(method, path, res.status, body);
    return { status: res.status, headers: res.headers, body };
  }

  /** Opens a new alert group in `integration` through its webhook; resolves with its number. */
  async function openGroup(integration: "db" | "web" = "db", status: "firing" | "resolved" = "firing", key = `Api${backend}${++alertSeq}`): Promise<number> {
    const token = integration === "db" ? AM : `${AM}-web`;
    const body = {
      version: "4",
      groupKey: `{}:{alertname="${key}"}`,
      status,
      receiver: "calpage",
      groupLabels: { alertname: key },
      commonLabels: { alertname: key, severity: "critical" },
      commonAnnotations: { summary: `${key} is failing` },
      externalURL: "http://127.0.0.1:9093",
      alerts: [{ status, labels: { alertname: key, severity: "critical" }, annotations: { summary: `${key} is failing` }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", fingerprint: `fp${key}` }],
    };
    const res = await fetch(`${base}/integrations/v1/alertmanager/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { groups: { number: number }[] };
    return answer.groups[0]!.number;
  }

  beforeAll(async () => {
    slack = await startFakeSlack({ users: Object.values(P).map((p) => ({ email: p.email, id: p.id, name: p.name, realName: p.name })), token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    t0 = Math.floor(Date.now() / H) * H;
    // Rita is on call from a day ago for three days, Bob after her; two levels overlap for an hour at the handover.
    writeFileSync(
      join(env.dir, "rota.ics"),
      ics([
        { uid: "rita@example.com", summary: P.rita.name, start: new Date(t0 - 24 * H), end: new Date(t0 + 48 * H) },
        { uid: "bob@example.com", summary: P.bob.name, start: new Date(t0 + 48 * H), end: new Date(t0 + 200 * H) },
      ]),
    );
    const yaml = configYaml();
    configPath = writeConfigText(env, yaml);
    ({ app, url: base, logs } = await startInProcess(configPath, env.env, yaml));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("serves the OpenAPI 3.1 document without a token, and the document's schemas catch a wrong answer", async () => {
    const res = await api("GET", "/api/v1/openapi.json", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
    expect(res.body.openapi).toBe("3.1.0");
    // The judge bites: an alert group without its state, or an error without a code, is refused.
    const group = ajv.getSchema("openapi.json#/components/schemas/AlertGroup")!;
    const n = await openGroup();
    const real = (await api("GET", `/api/v1/alert-groups/${n}`)).body as Record<string, unknown>;
    expect(group(real)).toBe(true);
    const { state: _state, ...withoutState } = real;
    expect(group(withoutState)).toBe(false);
    expect(group({ ...real, extra: 1 })).toBe(false);
    expect(ajv.getSchema("openapi.json#/components/schemas/Error")!({ error: { message: "x" } })).toBe(false);
  });

  it("refuses requests without a token or with an unknown one: 401 with WWW-Authenticate: Bearer", async () => {
    for (const path of ["/api/v1/oncall", "/api/v1/alert-groups", "/api/v1/no-such-thing"]) {
      const none = await api("GET", path, { token: null });
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="calpage"/);
      expect(none.body.error).toMatchObject({ code: "unauthorized", message: expect.stringContaining("Authorization: Bearer") });
    }
    const wrong = await api("GET", "/api/v1/oncall", { token: `${T.reader}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="calpage", error="invalid_token"');
    expect(wrong.body.error.message).toMatch(/^unknown API token; an admin adds tokens in calpage.yaml under api.tokens/);
    const basic = await api("GET", "/api/v1/oncall", { token: null, headers: { authorization: `Basic ${Buffer.from(`x:${T.reader}`).toString("base64")}` } });
    expect(basic.status).toBe(401);
    // A write POST without a token changes nothing either.
    const n = await openGroup();
    expect((await api("POST", `/api/v1/alert-groups/${n}/acknowledge`, { token: null })).status).toBe(401);
    expect((await app.store.read.groups.getByNumber(n))!.state).toBe("firing");
  });

  it("answers who is on call, per schedule or for all, now and at a time, with a read or a write token", async () => {
    for (const token of [T.reader, T.rita]) {
      const now = await api("GET", "/api/v1/oncall", { token });
      expect(now.status).toBe(200);
      expect(now.body.schedules).toEqual([
        {
          schedule: "primary",
          timezone: "Europe/Berlin",
          known: true,
          users: [{ email: P.rita.email, name: P.rita.name }],
          shift: {
            start: new Date(t0 - 24 * H).toISOString(),
            end: new Date(t0 + 48 * H).toISOString(),
            users: [{ email: P.rita.email, name: P.rita.name }],
            reasons: [{ email: P.rita.email, source: "primary", level: 0, summary: P.rita.name }],
          },
        },
        // Never read and never stored: unknown, not "nobody".
        { schedule: "never-read", timezone: "Europe/Berlin", known: false, users: [], shift: null },
      ]);
    }
    const later = await api("GET", `/api/v1/oncall?schedule=primary&at=${encodeURIComponent(new Date(t0 + 60 * H).toISOString())}`);
    expect(later.body).toMatchObject({ at: new Date(t0 + 60 * H).toISOString(), schedules: [{ schedule: "primary", users: [{ email: P.bob.email, name: P.bob.name }] }] });
    expect(later.body.schedules).toHaveLength(1);
    // With an offset, the same instant.
    const offset = await api("GET", `/api/v1/oncall?schedule=primary&at=${encodeURIComponent(new Date(t0 + 60 * H + 2 * H).toISOString().replace("Z", "+02:00"))}`);
    expect(offset.body.at).toBe(new Date(t0 + 60 * H).toISOString());
    const gap = await api("GET", `/api/v1/oncall?schedule=primary&at=${encodeURIComponent(new Date(t0 + 300 * H).toISOString())}`);
    expect(gap.body.schedules[0]).toMatchObject({ known: true, users: [], shift: null });
    const unknown = await api("GET", "/api/v1/oncall?schedule=secondary");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: "not_found", message: 'schedule: no schedule called "secondary" (schedules: primary, never-read)', field: "schedule" });
  });

  it("oncall at a given time names the same people as `calpage who --at`", async () => {
    for (const at of [new Date(t0 + 60 * H), new Date(t0 - 2 * H)]) {
      const iso = at.toISOString();
      const fromApi = await api("GET", `/api/v1/oncall?schedule=primary&at=${encodeURIComponent(iso)}`);
      const cli = await run(process.execPath, ["--import", "tsx", "src/cli.ts", "who", "primary", "--at", iso, "--config", configPath], { cwd: root, env: { ...process.env, ...env.env } });
      const people = (fromApi.body.schedules[0].users as { email: string; name: string }[]).map((u) => `${u.name} <${u.email}>`).join(", ");
      expect(people).not.toBe("");
      expect(cli.stdout.trim()).toBe(`primary: ${people}`);
    }
  }, 60_000);

  it("lists schedules and their shifts in a range, as `calpage shifts --format json` does", async () => {
    const list = await api("GET", "/api/v1/schedules", { token: T.otto });
    expect(list.body.schedules).toEqual([
      { name: "primary", timezone: "Europe/Berlin", known: true, onCallNow: [{ email: P.rita.email, name: P.rita.name }] },
      { name: "never-read", timezone: "Europe/Berlin", known: false, onCallNow: [] },
    ]);
    const from = new Date(t0);
    const to = new Date(t0 + 96 * H);
    const shifts = await api("GET", `/api/v1/schedules/primary/shifts?from=${from.toISOString()}&to=${to.toISOString()}`);
    expect(shifts.status).toBe(200);
    expect(shifts.body).toMatchObject({ schedule: "primary", timezone: "Europe/Berlin", from: from.toISOString(), to: to.toISOString() });
    expect(shifts.body.shifts.map((s: { start: string; end: string; users: { email: string }[] }) => [s.start, s.end, s.users.map((u) => u.email)])).toEqual([
      [from.toISOString(), new Date(t0 + 48 * H).toISOString(), [P.rita.email]],
      [new Date(t0 + 48 * H).toISOString(), to.toISOString(), [P.bob.email]],
    ]);
    // Default range: the next 7 days from now.
    const week = await api("GET", "/api/v1/schedules/primary/shifts", { token: T.rita });
    expect(Date.parse(week.body.to) - Date.parse(week.body.from)).toBe(7 * 24 * H);
    const never = await api("GET", "/api/v1/schedules/never-read/shifts");
    expect(never.status).toBe(503);
    expect(never.body.error.code).toBe("schedule_unknown");
    expect((await api("GET", "/api/v1/schedules/nope/shifts")).status).toBe(404);
  });

  it("refuses bad query parameters with a 400 that names the field", async () => {
    const cases: [string, string, RegExp][] = [
      ["/api/v1/oncall?at=yesterday", "at", /^at: expected an ISO 8601 time with a zone like 2026-11-21T09:00:00Z, found "yesterday"$/],
      ["/api/v1/oncall?at=2026-11-21T09:00:00", "at", /^at: expected an ISO 8601 time with a zone/],
      ["/api/v1/oncall?at=", "at", /^at: is empty/],
      ["/api/v1/oncall?at=2020-01-01T00:00:00Z", "at", /^at: must be within 400 days of now$/],
      ["/api/v1/oncall?when=now", "when", /^when: unknown query parameter; this endpoint takes schedule, at$/],
      ["/api/v1/oncall?schedule=primary&schedule=primary", "schedule", /given more than once/],
      ["/api/v1/alert-groups?state=open,bogus", "state", /^state: unknown state "bogus"; expected open, firing, acknowledged, silenced, resolved/],
      ["/api/v1/alert-groups?limit=0", "limit", /^limit: expected a whole number from 1 to 200, found "0"$/],
      ["/api/v1/alert-groups?limit=201", "limit", /^limit: expected a whole number from 1 to 200/],
      ["/api/v1/alert-groups?limit=ten", "limit", /^limit: expected a whole number/],
      ["/api/v1/alert-groups?cursor=not-a-cursor", "cursor", /^cursor: not a cursor calpage gave out/],
      ["/api/v1/alert-groups?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until", /^until: must be after since$/],
      ["/api/v1/alert-groups?sate=open", "sate", /^sate: unknown query parameter/],
      [`/api/v1/schedules/primary/shifts?from=${new Date(t0).toISOString()}&to=${new Date(t0 + 93 * 24 * H).toISOString()}`, "to", /^to: must be at most 92 days after from$/],
      [`/api/v1/schedules/primary/shifts?from=${new Date(t0).toISOString()}&to=${new Date(t0 - H).toISOString()}`, "to", /^to: must be after from$/],
      ["/api/v1/alert-groups/abc", "number", /^number: expected an alert group number like 42, found "abc"$/],
      ["/api/v1/alert-groups/0/log", "number", /^number: expected an alert group number/],
    ];
    for (const [path, field, message] of cases) {
      const res = await api("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe("invalid_parameter");
      expect(res.body.error.field, path).toBe(field);
      expect(res.body.error.message, path).toMatch(message);
    }
  });

  it("shows one alert group and its log; 404 for a number that does not exist, 405 for a wrong method", async () => {
    const n = await openGroup();
    for (const token of [T.reader, T.ada]) {
      const g = await api("GET", `/api/v1/alert-groups/${n}`, { token });
      expect(g.body).toMatchObject({ number: n, state: "firing", integration: "db", severity: "critical", channel: "#db-alerts", chain: "db", acknowledgedBy: null, alertCount: 1 });
      const log = await api("GET", `/api/v1/alert-groups/${n}/log`, { token });
      expect(log.body.number).toBe(n);
      expect(log.body.entries.length).toBeGreaterThan(0);
    }
    const missing = await api("GET", "/api/v1/alert-groups/999999");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: "not_found", message: "there is no alert group #999999", field: "number" });
    expect((await api("GET", "/api/v1/alert-groups/999999/log")).status).toBe(404);
    const wrongMethod = await api("GET", `/api/v1/alert-groups/${n}/acknowledge`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect((await api("DELETE", `/api/v1/alert-groups/${n}`)).status).toBe(405);
    expect((await api("GET", "/api/v1/nothing-here")).status).toBe(404);
  });

  it("lists alert groups newest first with filters, and pages through all of them with the cursor", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const opened = [await openGroup("web"), await openGroup("web"), await openGroup("web"), await openGroup("web"), await openGroup("web")];
    const resolvedOne = await openGroup("web", "firing", `Resolved${backend}`);
    await openGroup("web", "resolved", `Resolved${backend}`);
    const all = [...opened, resolvedOne].sort((a, b) => b - a);

    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const q: string = `/api/v1/alert-groups?integration=web&since=${encodeURIComponent(since)}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await api("GET", q, { token: page % 2 ? T.reader : T.otto });
      expect(res.body.groups.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.groups.map((g: { number: number }) => g.number));
      cursor = res.body.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual(all);

    const resolved = await api("GET", "/api/v1/alert-groups?integration=web&state=resolved");
    expect(resolved.body.groups.map((g: { number: number }) => g.number)).toEqual([resolvedOne]);
    const open = await api("GET", "/api/v1/alert-groups?integration=web&state=open&limit=200");
    expect(open.body.groups.map((g: { number: number }) => g.number)).toEqual(opened.sort((a, b) => b - a));
    expect(open.body.groups.every((g: { integration: string }) => g.integration === "web")).toBe(true);
    const none = await api("GET", `/api/v1/alert-groups?integration=web&until=${encodeURIComponent(since)}`);
    expect(none.body).toEqual({ groups: [], nextCursor: null });
    // A misspelled integration is a 400 naming it, not an empty list that reads as "no alerts"; "direct" (/oncall page) is known.
    const typo = await api("GET", "/api/v1/alert-groups?integration=wbe");
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({ code: "invalid_parameter", field: "integration" });
    expect(typo.body.error.message).toMatch(/^integration: no integration called "wbe" \(integrations: .*web.*, direct\)$/);
    expect((await api("GET", "/api/v1/alert-groups?integration=direct")).status).toBe(200);
  });

  it("a read token cannot act: 403 naming the write scope and who adds tokens; the group is unchanged", async () => {
    const n = await openGroup();
    for (const action of ["acknowledge", "resolve", "silence"]) {
      const res = await api("POST", `/api/v1/alert-groups/${n}/${action}`, { body: action === "silence" ? '{"duration":"1h"}' : "{}" });
      expect(res.status).toBe(403);
      expect(res.body.error).toEqual({
        code: "insufficient_scope",
        message: 'The API token "reader" has the read scope; acknowledging, resolving and silencing need a token with the write scope. An admin (Ada Admin) adds tokens in calpage.yaml under api.tokens.',
      });
    }
    expect((await app.store.read.groups.getByNumber(n))!.state).toBe("firing");
  });

  it("a write token acts as its person: refused like Slack for a non-responder (audited as refused), done for a responder", async () => {
    const n = await openGroup();
    const refused = await api("POST", `/api/v1/alert-groups/${n}/acknowledge`, { token: T.otto });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: "forbidden",
      message: `Only #${n}'s responders (Rita Responder), admins (Ada Admin) and the people paged for it can acknowledge it.`,
    });
    const untouched = (await app.store.read.groups.getByNumber(n))!;
    expect(untouched).toMatchObject({ state: "firing", acknowledgedBy: null });
    const [ottoEntry] = await app.store.read.audit.list({ actor: "otto-bot", limit: 1 });
    expect(ottoEntry).toMatchObject({ actorKind: "api", actorId: "otto-bot", actorName: "Otto Other (API token otto-bot)", surface: "api", action: "acknowledge", target: `#${n}`, outcome: "refused", reason: refused.body.error.message });

    const done = await api("POST", `/api/v1/alert-groups/${n}/acknowledge`, { token: T.rita });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ number: n, state: "acknowledged", acknowledgedBy: "Rita Responder (API token rita-bot)" });
    expect(Date.parse(done.body.acknowledgedAt)).toBeGreaterThan(Date.now() - 60_000);
    const [ritaEntry] = await app.store.read.audit.list({ actor: "rita-bot", limit: 1 });
    expect(ritaEntry).toMatchObject({ actorKind: "api", actorName: "Rita Responder (API token rita-bot)", surface: "api", action: "acknowledge", target: `#${n}`, outcome: "done", reason: null });
    const log = await api("GET", `/api/v1/alert-groups/${n}/log`);
    expect(log.body.entries.map((e: { text: string }) => e.text)).toContain("Acknowledged by Rita Responder (API token rita-bot).");

    // Acknowledging twice is a conflict, not a refusal.
    const again = await api("POST", `/api/v1/alert-groups/${n}/acknowledge`, { token: T.rita });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    expect(again.body.error.message).toMatch(new RegExp(`^#${n} was already acknowledged by Rita Responder \\(API token rita-bot\\)`));

    const resolved = await api("POST", `/api/v1/alert-groups/${n}/resolve`, { token: T.rita });
    expect(resolved.body).toMatchObject({ state: "resolved", resolvedBy: "Rita Responder (API token rita-bot)" });
    expect((await api("POST", `/api/v1/alert-groups/${n}/resolve`, { token: T.rita })).status).toBe(409);
    expect((await api("POST", "/api/v1/alert-groups/999999/resolve", { token: T.rita })).status).toBe(404);
  });

  it("silences within access.max_silence; longer or forever only as an admin; the body is checked key by key", async () => {
    const n = await openGroup();
    const tooLong = await api("POST", `/api/v1/alert-groups/${n}/silence`, { token: T.rita, body: '{"duration":"3h"}' });
    expect(tooLong.status).toBe(403);
    expect(tooLong.body.error).toEqual({ code: "forbidden", message: "Only admins (Ada Admin) can silence for longer than 2h (`access.max_silence`)." });
    const forever = await api("POST", `/api/v1/alert-groups/${n}/silence`, { token: T.rita, body: '{"duration":"forever"}' });
    expect(forever.body.error.message).toBe("Only admins (Ada Admin) can silence forever.");
    expect((await app.store.read.groups.getByNumber(n))!.state).toBe("firing");
    const refusedEntry = (await app.store.read.audit.list({ actor: "rita-bot", limit: 2 }))[0];
    expect(refusedEntry).toMatchObject({ action: "silence forever", outcome: "refused" });

    const bad: [string, string, RegExp][] = [
      ["{not json", "body", /^body: invalid JSON/],
      ["[]", "body", /^body: expected a JSON object/],
      ["{}", "duration", /^duration: missing/],
      ['{"duration":"soon"}', "duration", /^duration: expected a duration like "30m", "2h" or "forever", found "soon"$/],
      ['{"duration":30}', "duration", /^duration: expected a duration/],
      ['{"until":"tomorrow"}', "until", /^until: expected an ISO 8601 time/],
      ['{"until":"2020-01-01T00:00:00Z"}', "until", /^until: is not in the future$/],
      ['{"duration":"1h","until":"2099-01-01T00:00:00Z"}', "until", /^until: give duration or until, not both$/],
      ['{"duration":"1h","reason":"deploy"}', "reason", /^reason: unknown key/],
    ];
    for (const [body, field, message] of bad) {
      const res = await api("POST", `/api/v1/alert-groups/${n}/silence`, { token: T.rita, body });
      expect(res.status, body).toBe(400);
      expect(res.body.error.field, body).toBe(field);
      expect(res.body.error.message, body).toMatch(message);
    }
    const huge = await api("POST", `/api/v1/alert-groups/${n}/silence`, { token: T.rita, body: JSON.stringify({ duration: "1h", pad: "x".repeat(20_000) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: "body_too_large", field: "body" });
    expect((await app.store.read.groups.getByNumber(n))!.state).toBe("firing");
    const ackBody = await api("POST", `/api/v1/alert-groups/${n}/acknowledge`, { token: T.rita, body: '{"note":"x"}' });
    expect(ackBody.body.error).toMatchObject({ code: "invalid_parameter", field: "body" });

    const before = Date.now();
    const ok = await api("POST", `/api/v1/alert-groups/${n}/silence`, { token: T.rita, body: '{"duration":"1h30m"}' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: "silenced", silencedBy: "Rita Responder (API token rita-bot)" });
    expect(Date.parse(ok.body.silencedUntil) - before).toBeGreaterThanOrEqual(90 * 60_000 - 1000);
    expect(Date.parse(ok.body.silencedUntil) - before).toBeLessThan(90 * 60_000 + 60_000);

    const m = await openGroup();
    const until = new Date(Date.now() + 45 * 60_000).toISOString();
    const byTime = await api("POST", `/api/v1/alert-groups/${m}/silence`, { token: T.rita, body: JSON.stringify({ until }) });
    expect(Math.abs(Date.parse(byTime.body.silencedUntil) - Date.parse(until))).toBeLessThan(1000);
    const k = await openGroup();
    const adminForever = await api("POST", `/api/v1/alert-groups/${k}/silence`, { token: T.ada, body: '{"duration":"forever"}' });
    expect(adminForever.body).toMatchObject({ state: "silenced", silencedUntil: null, silencedBy: "Ada Admin (API token ada-bot)" });
  });

  it("a token added to calpage.yaml works after a reload, and a removed one stops working", async () => {
    expect((await api("GET", "/api/v1/schedules", { token: T.later })).status).toBe(401);
    const extra = `    - name: later\n      token: ${T.later}\n      scope: read\n`;
    const next = configYaml(extra).replace(`    - name: otto-bot\n      token: ${T.otto}\n      scope: write\n      as: otto@example.com\n`, "");
    const outcome = await app.reload(parseConfig(next.replace("  - name: never-read\n    feed: http://127.0.0.1:1/never.ics\n", ""), configPath, env.env), "test");
    expect(outcome).toMatchObject({ applied: true });
    expect((await api("GET", "/api/v1/schedules", { token: T.later })).status).toBe(200);
    expect((await api("GET", "/api/v1/schedules", { token: T.otto })).status).toBe(401);
  });

  it("counts API requests under route api in the metrics, and never logs a token", async () => {
    await api("GET", "/api/v1/oncall", { token: null });
    await api("GET", "/api/v1/oncall", { token: T.otto.replace("otto", "nobody") });
    await api("GET", "/api/v1/oncall", { token: T.reader });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/calpage_http_requests_total\{code="401",route="api"\} [1-9]/);
    expect(metrics).toMatch(/calpage_http_requests_total\{code="200",route="api"\} [1-9]/);
    // The access log has a line per API request (with the token's name once known), none with a secret.
    expect(logs.filter((l) => l.startsWith("http: GET api 401")).length).toBeGreaterThan(0);
    for (const secret of Object.values(T)) expect(logs.filter((l) => l.includes(secret))).toEqual([]);
  });

  it("every operation of openapi.json was answered and checked above", () => {
    const operations = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect([...exercised].sort()).toEqual(expect.arrayContaining(operations.sort()));
  });
});
