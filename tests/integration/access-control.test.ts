import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import { BACKENDS, postSignedSlack, prepareEnv, startInProcess, writeConfigText, type Env } from "../e2e/harness.js";
import { ics } from "../schedule/schedule-harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { buttonClickBody, buttonClickPayload, slashCommandBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Who may do what (README "Access control"), row by row: every action × role, through signed Slack
 * requests to the real /slack/events endpoint, on both backends. A refusal says who can and
 * changes nothing; every decision lands in the audit trail.
 */

const TOKEN = "access-test-alertmanager-token-1";
const CHANNEL = "C0DBALERT";
const H = 3_600_000;

const P = {
  admin: { email: "ada@example.com", name: "Ada Admin", id: "U0ADA0001" },
  responder: { email: "rita@example.com", name: "Rita Responder", id: "U0RITA001" },
  paged: { email: "paula@example.com", name: "Paula Paged", id: "U0PAULA01" },
  other: { email: "otto@example.com", name: "Otto Other", id: "U0OTTO001" },
  stranger: { email: "sam@example.com", name: "Sam Stranger", id: "U0SAM0001" },
  guest: { email: "gus@example.com", name: "Gus Guest", id: "U0GUS0001" },
  deactivated: { email: "dee@example.com", name: "Dee Deactivated", id: "U0DEE0001" },
};
type Role = keyof typeof P;
const ROLES = Object.keys(P) as Role[];
const RESPONDING: Role[] = ["admin", "responder", "paged"];
const CALPAGE_USERS: Role[] = ["admin", "responder", "paged", "other"];

const REFUSED_EARLY: Partial<Record<Role, RegExp>> = {
  stranger: /You are not a calpage user, so you can only use the read-only commands/,
  guest: /Slack guests can only use the read-only commands/,
  deactivated: /Your Slack account is deactivated/,
};

function configYaml(): string {
  const inConfig = ROLES.filter((r) => r !== "stranger").map((r) => `  - email: ${P[r].email}\n    name: ${P[r].name}`);
  return `timezone: Europe/Berlin
users:
${inConfig.join("\n")}
access:
  admins: ["@sre-leads"]
  max_silence: 24h
  max_maintenance: 7d
schedules:
  - name: db-primary
    feed: ./rota.ics
escalation_chains:
  - name: db
    steps:
      - notify_users: [${P.paged.email}]
      - wait: 1h
integrations:
  - name: db
    type: alertmanager
    token: ${TOKEN}
    chain: db
    channel: "#db-alerts"
    responders: ["@db-team"]
`;
}

describe.each(BACKENDS)("access control through Slack (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let seq = 0;

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: ROLES.map((r) => ({ email: P[r].email, id: P[r].id, name: r, realName: P[r].name, guest: r === "guest", deleted: r === "deactivated" })),
      channels: { "db-alerts": CHANNEL },
      channelMembers: { [CHANNEL]: [P.responder.id] },
      usergroups: [
        { id: "S0SRELEAD", handle: "sre-leads", users: [P.admin.id] },
        { id: "S0DBTEAM1", handle: "db-team", users: [P.responder.id] },
      ],
      token: "xoxb-e2e-test",
    });
    env = await prepareEnv(backend, slack);
    const t0 = Math.floor(Date.now() / H) * H;
    // Rita is on call now, Paula next: both are "the schedule's people"; Otto is not on the rota.
    writeFileSync(
      join(env.dir, "rota.ics"),
      ics([
        { uid: "r1@example.com", summary: P.responder.name, start: new Date(t0 - 24 * H), end: new Date(t0 + 48 * H) },
        { uid: "p1@example.com", summary: P.paged.name, start: new Date(t0 + 48 * H), end: new Date(t0 + 200 * H) },
      ]),
    );
    const yaml = configYaml();
    const path = writeConfigText(env, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml));
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  /** A fresh alert group of the `db` integration whose first step has paged Paula. */
  async function openGroup(): Promise<AlertGroupRecord> {
    const key = `access-${backend}-${++seq}`;
    const alert = { status: "firing", labels: { alertname: key, severity: "critical" }, annotations: { summary: `Case ${key}` }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
    const payload = { version: "4", groupKey: `{}:{alertname="${key}"}`, status: "firing", receiver: "calpage", groupLabels: { alertname: key }, commonLabels: alert.labels, commonAnnotations: alert.annotations, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] };
    const res = await fetch(`${url}/integrations/v1/alertmanager/${TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(res.status).toBe(200);
    let group: AlertGroupRecord | null = null;
    await waitFor(
      async () => {
        group = (await app.store.read.groups.listOpen(1000)).find((g) => g.title.includes(key)) ?? null;
        return group !== null && (await app.store.read.pages.listForGroup(group.id)).some((p) => p.userEmail === P.paged.email);
      },
      { timeoutMs: 10_000, description: `group ${key} and Paula's page` },
    );
    return group!;
  }

  /** A slash command's private answer: in the HTTP answer, or (feature subcommands) as an ephemeral message. */
  let commands = 0;
  async function command(role: Role, text: string): Promise<string> {
    const mark = slack.calls.length;
    const responseUrlId = `command-${++commands}`;
    const res = await postSignedSlack(url, slashCommandBody({ text, userId: P[role].id, channelId: CHANNEL, responseUrl: slack.responseUrl(responseUrlId) }));
    expect(res.status).toBe(200);
    const raw = await res.text();
    const inAck = raw ? ((JSON.parse(raw) as { text?: string }).text ?? "") : "";
    // An answer slower than Slack's budget (a loaded machine) follows through response_url.
    if (inAck === ":hourglass_flowing_sand: Working on it…") return String((await slack.waitFor((c) => c.method === "response_url" && c.responseUrlId === responseUrlId, 15_000)).args.text);
    if (inAck) return inAck;
    const eph = await slack.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === P[role].id, 10_000);
    return String(eph.args.text);
  }

  async function lastAudit(target: string) {
    return (await app.store.read.audit.list({ limit: 50 })).find((e) => e.target === target || e.target.startsWith(target));
  }

  /** A click on an alert button; the answer (if any) is an ephemeral message. Resolves once the audit trail has the decision. */
  async function click(role: Role, g: AlertGroupRecord, actionId: string, auditsBefore: number, select?: string): Promise<string | null> {
    const mark = slack.calls.length;
    let body: string;
    if (select) {
      const payload = buttonClickPayload({ actionId, value: g.id, userId: P[role].id, channelId: CHANNEL, messageTs: "1700000000.000100", blockId: `alert_group_actions:${g.id}` });
      payload.actions = [{ action_id: actionId, block_id: `alert_group_actions:${g.id}`, type: "static_select", selected_option: { text: { type: "plain_text", text: select }, value: select }, action_ts: "1700000000.000200" }];
      body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    } else body = buttonClickBody({ actionId, value: g.id, userId: P[role].id, channelId: CHANNEL, messageTs: "1700000000.000100" });
    expect((await postSignedSlack(url, body)).status).toBe(200);
    await waitFor(async () => (await app.store.read.audit.list({ limit: 100_000 })).length > auditsBefore, { timeoutMs: 10_000, description: "the click's audit entry" });
    const ephemeral = () => slack.calls.slice(mark).find((c) => c.method === "chat.postEphemeral" && c.args.user === P[role].id);
    // A refusal is always answered with an ephemeral message, which may reach Slack a little after the
    // audit entry is written (on a busy machine, more than a few ms): wait for it rather than a fixed time.
    const newest = (await app.store.read.audit.list({ limit: 1 }))[0];
    if (newest?.outcome === "refused") await waitFor(() => ephemeral() !== undefined, { timeoutMs: 10_000, description: "the refusal's ephemeral message" });
    else await new Promise((r) => setTimeout(r, 50));
    const eph = ephemeral();
    return eph ? String(eph.args.text) : null;
  }

  const auditCount = async () => (await app.store.read.audit.list({ limit: 100_000 })).length;

  interface GroupCase {
    name: string;
    allowed: Role[];
    refusal: RegExp;
    /** Brings the fresh group into the state the action needs (as the system, unchecked). */
    before?: (g: AlertGroupRecord) => Promise<void>;
    act: (role: Role, g: AlertGroupRecord) => Promise<string | null>;
    /** The group after an allowed action. */
    after: (g: AlertGroupRecord) => void | Promise<void>;
  }

  const GROUP_CASES: GroupCase[] = [
    {
      name: "acknowledge (button)",
      allowed: RESPONDING,
      refusal: /Only #\d+'s responders \(@db-team\), admins \(@sre-leads\) and the people paged for it can acknowledge it\./,
      act: async (role, g) => click(role, g, "alert_ack", await auditCount()),
      after: (g) => expect(g.state).toBe("acknowledged"),
    },
    {
      name: "/oncall resolve <n>",
      allowed: RESPONDING,
      refusal: /can resolve it\./,
      act: (role, g) => command(role, `resolve ${g.number}`),
      after: (g) => expect(g.state).toBe("resolved"),
    },
    {
      name: "/oncall ack <n>",
      allowed: RESPONDING,
      refusal: /can acknowledge it\./,
      act: (role, g) => command(role, `ack ${g.number}`),
      after: (g) => expect(g.state).toBe("acknowledged"),
    },
    {
      name: "unacknowledge (/oncall unack)",
      allowed: RESPONDING,
      refusal: /can unacknowledge it\./,
      before: async (g) => void (await app.actions(g.id, "acknowledge", "system", Date.now())),
      act: (role, g) => command(role, `unack ${g.number}`),
      after: (g) => expect(g.state).toBe("firing"),
    },
    {
      name: "/oncall add <n> @user (add responder)",
      allowed: RESPONDING,
      refusal: /can add responders to it\./,
      act: (role, g) => command(role, `add ${g.number} <@${P.other.id}|otto>`),
      after: async (g) => {
        expect(g.state).toBe("firing");
        expect((await app.store.read.log.list(g.id)).map((e) => e.text).join("\n")).toContain("added Otto Other as a responder (paging with their ladder).");
        expect((await app.store.read.pages.listForGroup(g.id)).map((p) => p.userEmail)).toContain(P.other.email);
      },
    },
    {
      name: "escalate (button)",
      allowed: RESPONDING,
      refusal: /can escalate it\./,
      act: async (role, g) => click(role, g, "alert_escalate", await auditCount()),
      after: async (g) => {
        expect(g.state).toBe("firing");
        expect((await app.store.read.log.list(g.id)).map((e) => e.text).join("\n")).toMatch(/Escalated now by/);
      },
    },
    {
      name: "/oncall escalate <n>",
      allowed: RESPONDING,
      refusal: /can escalate it\./,
      act: (role, g) => command(role, `escalate ${g.number}`),
      after: async (g) => {
        expect(g.state).toBe("firing");
        expect((await app.store.read.log.list(g.id)).map((e) => e.text).join("\n")).toMatch(/Escalated now by/);
      },
    },
    {
      name: "keep acknowledged (the ack timeout's Keep button)",
      allowed: RESPONDING,
      refusal: /can keep acknowledging it\./,
      before: async (g) => void (await app.actions(g.id, "acknowledge", "system", Date.now())),
      act: async (role, g) => click(role, g, "alert_ack_keep", await auditCount()),
      after: async (g) => {
        expect(g.state).toBe("acknowledged");
        expect((await app.store.read.log.list(g.id)).map((e) => e.text).join("\n")).toMatch(/is still on it\./);
      },
    },
    {
      name: "silence 1h (menu)",
      allowed: RESPONDING,
      refusal: /can silence it\./,
      act: async (role, g) => click(role, g, "alert_silence", await auditCount(), "1h"),
      after: (g) => expect(g).toMatchObject({ state: "silenced", silencedUntil: expect.any(Number) }),
    },
    {
      name: "silence forever (menu)",
      allowed: ["admin"],
      refusal: /^Only admins \(@sre-leads\) can silence forever\.$/,
      act: async (role, g) => click(role, g, "alert_silence", await auditCount(), "forever"),
      after: (g) => expect(g).toMatchObject({ state: "silenced", silencedUntil: null }),
    },
    {
      name: "/oncall silence <n> 48h (over access.max_silence)",
      allowed: ["admin"],
      refusal: /^Only admins \(@sre-leads\) can silence for longer than 1d \(`access.max_silence`\)\.$/,
      act: (role, g) => command(role, `silence ${g.number} 48h`),
      after: (g) => expect(g.state).toBe("silenced"),
    },
    {
      name: "unresolve (button)",
      allowed: ["admin"],
      refusal: /^Only admins \(@sre-leads\) can reopen a resolved group \(#\d+\)\.$/,
      before: async (g) => void (await app.actions(g.id, "resolve", "system", Date.now())),
      act: async (role, g) => click(role, g, "alert_unresolve", await auditCount()),
      after: (g) => expect(g.state).toBe("firing"),
    },
  ];

  describe.each(GROUP_CASES)("$name", (c) => {
    it.each(ROLES)("as %s", async (role) => {
      const g = await openGroup();
      await c.before?.(g);
      const before = (await app.store.read.groups.get(g.id))!;
      const answer = await c.act(role, g);
      const after = (await app.store.read.groups.get(g.id))!;
      const entry = await lastAudit(`#${g.number}`);
      expect(entry).toMatchObject({ actorKind: "slack", actorId: P[role].id });
      if (c.allowed.includes(role)) {
        await c.after(after);
        expect(entry?.outcome).toBe("done");
      } else {
        expect(answer).toMatch(REFUSED_EARLY[role] ?? c.refusal);
        expect(after).toEqual(before);
        expect(entry).toMatchObject({ outcome: "refused", reason: answer });
        // Nothing was logged in the group's thread for a refused action.
        expect((await app.store.read.log.list(g.id)).map((e) => e.text).join("\n")).not.toContain(P[role].id);
      }
    });
  });

  describe("commands for storms: several groups, ranges and `mine`", () => {
    it("Paula acknowledges every firing group that paged her with `/oncall ack mine`; each is audited", async () => {
      // The rows above leave dozens of groups that paged Paula open: resolve them, so "mine" is these three
      // (the answer stays within Slack's time, and their audit entries among the latest).
      for (const open of await app.store.read.groups.listOpen(1000)) await app.actions(open.id, "resolve", "system", Date.now());
      const gs = [await openGroup(), await openGroup(), await openGroup()];
      await app.actions(gs[2]!.id, "acknowledge", "system", Date.now());
      const answer = await command("paged", "ack mine");
      const firing = (await app.store.read.groups.listOpen(1000)).filter((g) => g.state === "firing");
      expect(firing.filter((g) => gs.some((x) => x.id === g.id))).toEqual([]);
      for (const g of gs.slice(0, 2)) {
        expect(answer).toContain(`#${g.number}`);
        expect(await lastAudit(`#${g.number}`)).toMatchObject({ actorId: P.paged.id, outcome: "done" });
      }
      expect(answer).toMatch(/^Acknowledged #\d+(, #\d+)*\.$/);
      expect(answer).not.toContain(`#${gs[2]!.number}`);
      expect(await command("paged", "ack mine")).toBe("No firing alert group has paged you. :tada:");
      expect(await command("other", "ack mine")).toBe("No firing alert group has paged you. :tada:");
    });

    it("Rita resolves a range and a list in one command; numbers that do not exist are named", async () => {
      const a = await openGroup();
      const b = await openGroup();
      const missing = b.number + 1000;
      const answer = await command("responder", `resolve ${a.number}-${b.number} ${missing}`);
      expect(answer.split("\n")).toEqual([expect.stringMatching(new RegExp(`^Resolved #${a.number}(, #\\d+)*, #${b.number}\\.$`)), `There is no alert group #${missing}.`]);
      for (const g of [a, b]) expect((await app.store.read.groups.get(g.id))!.state).toBe("resolved");
    });

    it("Otto (not a responder) is refused for each group and nothing changes", async () => {
      const a = await openGroup();
      const b = await openGroup();
      const answer = await command("other", `ack ${a.number} ${b.number}`);
      const lines = answer.split("\n");
      expect(lines).toHaveLength(2);
      for (const [i, g] of [a, b].entries()) {
        expect(lines[i]).toMatch(new RegExp(`^Only #${g.number}'s responders .* can acknowledge it\\.$`));
        expect((await app.store.read.groups.get(g.id))!.state).toBe("firing");
        expect(await lastAudit(`#${g.number}`)).toMatchObject({ actorId: P.other.id, outcome: "refused" });
      }
    });
  });

  describe("maintenance, pages, overrides, lists and the audit trail", () => {
    it.each(ROLES)("/oncall maintenance db 2h as %s: admins only", async (role) => {
      const answer = await command(role, "maintenance db 2h");
      const m = await app.store.read.maintenance.get("db");
      if (role === "admin") {
        expect(answer).toContain("Maintenance for db is on for 2h");
        expect(m).not.toBeNull();
        expect(await command("admin", "maintenance db off")).toContain("Maintenance for db is off");
      } else {
        expect(answer).toMatch(REFUSED_EARLY[role] ?? /^Only admins \(@sre-leads\) can start maintenance\.$/);
        expect(m).toBeNull();
      }
      expect(await lastAudit("db")).toMatchObject({ actorId: P[role].id, outcome: role === "admin" ? "done" : "refused" });
    });

    it("maintenance longer than access.max_maintenance is refused even for admins", async () => {
      expect(await command("admin", "maintenance db 30d")).toBe("Maintenance can last at most 7d (`access.max_maintenance` in calpage.yaml).");
      expect(await app.store.read.maintenance.get("db")).toBeNull();
    });

    it.each(ROLES)("/oncall page … (normal and important) as %s", async (role) => {
      const groupsBefore = (await app.store.read.groups.listOpen(1000)).filter((g) => g.integration === "direct").length;
      const normal = await command(role, `page <@${P.other.id}|otto> disk is filling up`);
      const important = await command(role, `page <@${P.other.id}|otto> the database is down important`);
      const opened = (await app.store.read.groups.listOpen(1000)).filter((g) => g.integration === "direct").length - groupsBefore;
      if (CALPAGE_USERS.includes(role)) expect(normal).toMatch(/^Opened #\d+ and paging\./);
      else expect(normal).toMatch(REFUSED_EARLY[role]!);
      if (role === "admin") expect(important).toMatch(/^Opened #\d+ and paging\./);
      else expect(important).toMatch(REFUSED_EARLY[role] ?? /^Only admins \(@sre-leads\) can page as important/);
      expect(opened).toBe((CALPAGE_USERS.includes(role) ? 1 : 0) + (role === "admin" ? 1 : 0));
    });

    it.each(ROLES)("/oncall override over Rita's shift, putting Otto on call, as %s: admins and Rita (the replaced person)", async (role) => {
      const answer = await command(role, `override db-primary <@${P.other.id}|otto> now 1h`);
      const active = (await app.store.read.slackOverrides.listActive(Date.now())).filter((o) => o.cancelledAt === null);
      if (role === "admin" || role === "responder") {
        expect(answer).toMatch(/^:white_check_mark: Otto Other is on call in \*db-primary\*/);
        expect(active).toHaveLength(1);
        await command("admin", `override cancel ${active[0]!.id}`);
      } else {
        const rule = role === "paged" ? /^Only admins \(@sre-leads\) can put someone else on call over another person's shift/ : /^Only the people on this schedule's rota and admins \(@sre-leads\) can make overrides in it\.$/;
        expect(answer).toMatch(REFUSED_EARLY[role] ?? rule);
        expect(active).toHaveLength(0);
      }
    });

    it("an override that puts yourself on call stays open to the schedule's people", async () => {
      const answer = await command("paged", `override db-primary <@${P.paged.id}|paula> now 1h`);
      expect(answer).toMatch(/^:white_check_mark: Paula Paged is on call in \*db-primary\*/);
      const [o] = (await app.store.read.slackOverrides.listActive(Date.now())).filter((x) => x.cancelledAt === null);
      // Someone else's override can be cancelled only by admins (or the people it is about).
      expect(await command("other", `override cancel ${o!.id}`)).toMatch(/^Only admins \(@sre-leads\) can cancel someone else's override/);
      expect(await command("responder", `override cancel ${o!.id}`)).toMatch(/^Only admins \(@sre-leads\) can cancel someone else's override/);
      expect((await app.store.read.slackOverrides.get(o!.id))!.cancelledAt).toBeNull();
      expect(await command("paged", `override cancel ${o!.id}`)).toContain("is cancelled");
    });

    it.each(ROLES)("/oncall alerts as %s: groups of the asker's channels and of their pages (admins: all)", async (role) => {
      const g = await openGroup();
      const answer = await command(role, "alerts");
      const listed = answer.includes(`*#${g.number}*`);
      if (REFUSED_EARLY[role]) expect(answer).toMatch(REFUSED_EARLY[role]!);
      // Admin: all; Rita: in #db-alerts; Paula: paged for it; Otto: neither.
      else if (role === "other") {
        // Otto sees only the direct pages he received (earlier rows paged him), not #db-alerts' groups.
        expect(listed).toBe(false);
        expect(answer).toMatch(/^(No open alert groups in the channels you are in\.|[^]*_Only groups in channels you are in, or that paged you, are listed\._)$/);
      } else expect(listed).toBe(true);
    });

    it("/oncall alerts escapes titles (no mentions or disguised links in calpage's name)", async () => {
      const key = `hidden-${backend}`;
      const alert = { status: "firing", labels: { alertname: `${key} <!channel> <https://evil.example|click> <@U0ADA0001>` }, annotations: {}, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
      const payload = { version: "4", groupKey: key, status: "firing", receiver: "calpage", groupLabels: alert.labels, commonLabels: alert.labels, commonAnnotations: alert.annotations, externalURL: "", truncatedAlerts: 0, alerts: [alert] };
      expect((await fetch(`${url}/integrations/v1/alertmanager/${TOKEN}/`, { method: "POST", body: JSON.stringify(payload) })).status).toBe(200);
      await waitFor(async () => (await app.store.read.groups.listOpen(1000)).some((g) => g.title.startsWith(key)), { timeoutMs: 5000, description: "the group" });
      const admin = await command("admin", "alerts");
      expect(admin).toContain("&lt;!channel&gt; &lt;https://evil.example|click&gt; &lt;@U0ADA0001&gt;");
      expect(admin).not.toContain("<!channel>");
    });

    it.each(ROLES)("read-only commands answer %s", async (role) => {
      expect(await command(role, "who db-primary")).toMatch(/^\*db-primary\*: /);
      expect(await command(role, "help")).toContain("`/oncall who [schedule]`");
    });

    it.each(ROLES)("/oncall audit as %s: admins only", async (role) => {
      const answer = await command(role, "audit 1d");
      if (role === "admin") {
        expect(answer).toMatch(/^Last \d+ audit entr/);
        expect(answer).toContain("refused");
      } else expect(answer).toMatch(REFUSED_EARLY[role] ?? /^Only admins \(@sre-leads\) can read the audit trail\.$/);
    });
  });
});
