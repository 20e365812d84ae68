import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import { BACKENDS, actionIds, buttonValue, postSignedSlack, prepareEnv, startInProcess, writeConfigText, type Env } from "../e2e/harness.js";
import { ics } from "../schedule/schedule-harness.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../support/fake-slack.js";
import { buttonClickBody, slashCommandBody, viewSubmissionBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";

/**
 * "Add responder" end to end with the Slack stand-in (issue 14): `/oncall add <n> @user|schedule`
 * pages the named person, or whoever is on call in the schedule, with their own ladder — also into
 * an acknowledged group ("I acknowledged, I need help"), which stays acknowledged. On both backends.
 */

const TOKEN = "add-responder-test-token-0001";
const WEB_TOKEN = "add-responder-web-token-0002";
const CHANNEL = "C0DBALERT";
const H = 3_600_000;

const P = {
  paula: { email: "paula@example.com", name: "Paula Paged", id: "U0PAULA01" },
  bob: { email: "bob@example.com", name: "Bob Helper", id: "U0BOB0001" },
  rita: { email: "rita@example.com", name: "Rita Rota", id: "U0RITA001" },
  otto: { email: "otto@example.com", name: "Otto Other", id: "U0OTTO001" },
  stranger: { email: "sam@example.com", name: "Sam Stranger", id: "U0SAM0001" },
};
type Who = keyof typeof P;

function configYaml(): string {
  return `timezone: Europe/Berlin
users:
  - email: ${P.paula.email}
    name: ${P.paula.name}
  - email: ${P.bob.email}
    name: ${P.bob.name}
    notification_rules:
      default: [slack_dm, {wait: 1s}, slack_dm]
  - email: ${P.rita.email}
    name: ${P.rita.name}
    notification_rules:
      default: [slack_dm, {wait: 1h}, slack_dm]
  - email: ${P.otto.email}
    name: ${P.otto.name}
access:
  admins: [${P.otto.email}]
schedules:
  - name: db-primary
    feed: ./rota.ics
  - name: payments
    feed: ./empty.ics
escalation_chains:
  - name: db
    steps:
      - notify_users: [${P.paula.email}]
      - wait: 1h
      - notify_users: [${P.otto.email}]
  - name: web
    steps:
      - notify_users: [${P.rita.email}]
      - wait: 1h
integrations:
  - name: db
    type: alertmanager
    token: ${TOKEN}
    chain: db
    channel: "#db-alerts"
    responders: [${P.paula.email}]
  - name: web
    type: alertmanager
    token: ${WEB_TOKEN}
    chain: web
    channel: "#db-alerts"
    responders: [${P.paula.email}]
`;
}

describe.each(BACKENDS)("add responder (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let seq = 0;

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: (Object.keys(P) as Who[]).map((k) => ({ email: P[k].email, id: P[k].id, name: k, realName: P[k].name })),
      channels: { "db-alerts": CHANNEL },
      token: "xoxb-e2e-test",
    });
    env = await prepareEnv(backend, slack);
    const t0 = Math.floor(Date.now() / H) * H;
    writeFileSync(join(env.dir, "rota.ics"), ics([{ uid: "r1@example.com", summary: P.rita.name, start: new Date(t0 - 24 * H), end: new Date(t0 + 48 * H) }]));
    writeFileSync(join(env.dir, "empty.ics"), ics([{ uid: "o1@example.com", summary: P.otto.name, start: new Date(t0 + 100 * H), end: new Date(t0 + 101 * H) }]));
    const yaml = configYaml();
    ({ app, url } = await startInProcess(writeConfigText(env, yaml), env.env, yaml));
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  /** A fresh group of the `db` integration whose first step has paged Paula (`web`: Rita). */
  async function openGroup(integration: "db" | "web" = "db"): Promise<AlertGroupRecord> {
    const [token, first] = integration === "db" ? [TOKEN, P.paula.email] : [WEB_TOKEN, P.rita.email];
    const key = `responder-${backend}-${++seq}`;
    const alert = { status: "firing", labels: { alertname: key }, annotations: { summary: `Case ${key}` }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
    const payload = { version: "4", groupKey: `{}:{alertname="${key}"}`, status: "firing", receiver: "calpage", groupLabels: { alertname: key }, commonLabels: alert.labels, commonAnnotations: alert.annotations, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] };
    const res = await fetch(`${url}/integrations/v1/alertmanager/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(res.status).toBe(200);
    let group: AlertGroupRecord | null = null;
    await waitFor(
      async () => {
        group = (await app.store.read.groups.listOpen(1000)).find((g) => g.title.includes(key)) ?? null;
        return group !== null && (await app.store.read.pages.listForGroup(group.id)).some((p) => p.userEmail === first && p.state === "sent");
      },
      { timeoutMs: 10_000, description: `group ${key} and its first page` },
    );
    return group!;
  }

  async function command(who: Who, text: string): Promise<string> {
    const res = await postSignedSlack(url, slashCommandBody({ text, userId: P[who].id, channelId: CHANNEL }));
    expect(res.status).toBe(200);
    const raw = await res.text();
    return raw ? ((JSON.parse(raw) as { text?: string }).text ?? "") : "";
  }

  /** The page DM about group `g` that `who` gets after call `mark`. */
  const dmAbout = (who: Who, g: AlertGroupRecord, mark: number) =>
    slack.waitFor((c) => c.seq > mark && c.method === "chat.postMessage" && c.args.channel === P[who].id && buttonValue(c.args.blocks, "alert_ack") === g.id, 10_000);

  const thread = async (g: AlertGroupRecord) => (await app.store.read.log.list(g.id)).map((e) => e.text).join("\n");
  const pagesOf = async (g: AlertGroupRecord, who: Who) => (await app.store.read.pages.listForGroup(g.id)).filter((p) => p.userEmail === P[who].email);

  /** A click on a button of `who`'s page DM; returns the private answer, if any, once the audit trail has the decision. */
  async function clickInDm(who: Who, dm: RecordedCall, actionId: string): Promise<string | null> {
    const audits = (await app.store.read.audit.list({ limit: 100_000 })).length;
    const mark = slack.calls.length;
    const body = buttonClickBody({ actionId, value: buttonValue(dm.args.blocks, actionId)!, userId: P[who].id, channelId: String(dm.response.channel), messageTs: String(dm.response.ts) });
    expect((await postSignedSlack(url, body)).status).toBe(200);
    await waitFor(async () => (await app.store.read.audit.list({ limit: 100_000 })).length > audits, { timeoutMs: 10_000, description: "the click's audit entry" });
    await new Promise((r) => setTimeout(r, 100));
    const eph = slack.calls.slice(mark).find((c) => c.method === "chat.postEphemeral" && c.args.user === P[who].id);
    return eph ? String(eph.args.text) : null;
  }

  it("Paula adds Bob to a firing group: his DM page arrives, the thread says so, the chain is not restarted", async () => {
    const g = await openGroup();
    const mark = slack.calls.length;
    const answer = await command("paula", `add ${g.number} <@${P.bob.id}|bob>`);
    expect(answer).toBe(`#${g.number}: added Bob Helper as a responder (paging with their ladder).`);
    const dm = await dmAbout("bob", g, mark);
    expect(actionIds(dm.args.blocks)).toContain("alert_ack");
    expect(await thread(g)).toContain(`<@${P.paula.id}> added Bob Helper as a responder (paging with their ladder).`);
    const after = (await app.store.read.groups.get(g.id))!;
    expect(after.state).toBe("firing");
    expect(after.escalation).toEqual(g.escalation);
    expect((await app.store.read.audit.list({ limit: 50 })).find((e) => e.target === `#${g.number}`)).toMatchObject({ action: `add_responder ${P.bob.email}`, outcome: "done", actorId: P.paula.id });
  });

  it("adding a schedule pages whoever is on call there", async () => {
    const g = await openGroup();
    const mark = slack.calls.length;
    const answer = await command("paula", `add ${g.number} db-primary`);
    expect(answer).toBe(`#${g.number}: added Rita Rota (on call in db-primary) as a responder (paging with their ladder).`);
    await dmAbout("rita", g, mark);
    expect(await pagesOf(g, "bob")).toEqual([]);
  });

  it("adding to an acknowledged group pages anyway (the whole ladder), and the group stays acknowledged", async () => {
    const g = await openGroup();
    expect(await command("paula", `ack ${g.number}`)).toBe(`#${g.number} is now acknowledged.`);
    const mark = slack.calls.length;
    expect(await command("paula", `add ${g.number} <@${P.bob.id}>`)).toContain("added Bob Helper");
    const first = await dmAbout("bob", g, mark);
    // His DM asks for help and offers Acknowledge (answering the request), not Unacknowledge (Paula's acknowledgement).
    expect(String(first.args.text)).toMatch(/^📟 You are asked to help: /);
    expect(JSON.stringify(first.args.blocks)).toContain(`You were added as a responder; <@${P.paula.id}> acknowledged it and is on it.`);
    expect(actionIds(first.args.blocks)).toEqual(["alert_ack", "alert_resolve"]);
    // Bob's ladder waits 1s and DMs again: its timer is not stopped by the acknowledgement either.
    await dmAbout("bob", g, first.seq);
    await waitFor(async () => (await pagesOf(g, "bob")).filter((p) => p.state === "sent").length === 2, { timeoutMs: 5000, description: "both of Bob's pages sent" });
    expect(await thread(g)).toContain("Bob Helper: Notification rules finished");
    expect((await app.store.read.groups.get(g.id))!).toMatchObject({ state: "acknowledged", acknowledgedBy: P.paula.id });
  });

  it("Bob acknowledges his responder page on an acknowledged group: his ladder stops, the acknowledgement stays Paula's", async () => {
    const g = await openGroup();
    await command("paula", `ack ${g.number}`);
    const mark = slack.calls.length;
    await command("paula", `add ${g.number} <@${P.bob.id}>`);
    const dm = await dmAbout("bob", g, mark);
    expect(await clickInDm("bob", dm, "alert_ack")).toBeNull();
    expect(await thread(g)).toContain(`<@${P.bob.id}> acknowledged their responder page; #${g.number} stays acknowledged by <@${P.paula.id}>.`);
    expect((await app.store.read.groups.get(g.id))!).toMatchObject({ state: "acknowledged", acknowledgedBy: P.paula.id });
    // His ladder's second DM (after its 1s wait) never goes out.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await pagesOf(g, "bob")).filter((p) => p.state === "sent")).toHaveLength(1);
    // Answered once: a second click is the usual "already acknowledged".
    expect(await clickInDm("bob", dm, "alert_ack")).toContain(`already acknowledged by <@${P.paula.id}>`);
  });

  it("Bob answers with /oncall ack mine: it covers acknowledged groups his responder ladder is paging him about", async () => {
    const g = await openGroup();
    await command("paula", `ack ${g.number}`);
    const mark = slack.calls.length;
    await command("paula", `add ${g.number} <@${P.bob.id}>`);
    await dmAbout("bob", g, mark);
    const answer = await command("bob", "ack mine");
    expect(answer).toMatch(new RegExp(`#${g.number}\\b`));
    expect(await thread(g)).toContain(`<@${P.bob.id}> acknowledged their responder page; #${g.number} stays acknowledged by <@${P.paula.id}>.`);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await pagesOf(g, "bob")).filter((p) => p.state === "sent")).toHaveLength(1);
    // Answered: his ladder no longer runs, so the group is not "his" any more.
    expect(await command("bob", "ack mine")).not.toMatch(new RegExp(`#${g.number}\\b`));
  });

  it("the added person may act on the group afterwards (before, they were refused)", async () => {
    const g = await openGroup();
    expect(await command("bob", `ack ${g.number}`)).toMatch(/^Only #\d+'s responders \(Paula Paged\), admins \(Otto Other\) and the people paged for it can acknowledge it\.$/);
    expect(await command("bob", `add ${g.number} <@${P.bob.id}>`)).toMatch(/can add responders to it\.$/);
    const mark = slack.calls.length;
    await command("paula", `add ${g.number} <@${P.bob.id}>`);
    const dm = await dmAbout("bob", g, mark);
    expect(await clickInDm("bob", dm, "alert_ack")).toBeNull();
    expect((await app.store.read.groups.get(g.id))!).toMatchObject({ state: "acknowledged", acknowledgedBy: P.bob.id });
    // Acknowledging answered his own request: his ladder's second DM does not go out.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await pagesOf(g, "bob")).filter((p) => p.state === "sent")).toHaveLength(1);
  });

  it("someone the chain is notifying, added while the group fires: their running ladder goes on, now past an acknowledgement", async () => {
    const g = await openGroup("web");
    const run = async () => (await app.store.read.ladderRuns.get(g.id, P.rita.email))!;
    expect(await run()).toMatchObject({ responder: false, state: { status: "active", run: 1 } });
    expect(await command("paula", `add ${g.number} <@${P.rita.id}>`)).toContain("added Rita Rota as a responder");
    expect(await thread(g)).toContain("Rita Rota is already being notified about this group; their notifications now go on after an acknowledgement.");
    await command("paula", `ack ${g.number}`);
    expect(await run()).toMatchObject({ responder: true, state: { status: "active", run: 1 } });
    expect(await pagesOf(g, "rita")).toHaveLength(1);
  });

  it("someone whose ladder an acknowledgement ended, added afterwards: their ladder starts again, as a responder's", async () => {
    const g = await openGroup("web");
    await command("paula", `ack ${g.number}`);
    const mark = slack.calls.length;
    await command("paula", `add ${g.number} <@${P.rita.id}>`);
    await dmAbout("rita", g, mark);
    expect(await app.store.read.ladderRuns.get(g.id, P.rita.email)).toMatchObject({ responder: true, state: { status: "active", run: 2 } });
    expect((await pagesOf(g, "rita")).map((p) => p.ladderKey).sort()).toEqual(["1.0.1", "2.0.1"]);
  });

  it("a resolved or silenced group is refused, and nothing is paged or logged", async () => {
    const g = await openGroup();
    await command("paula", `resolve ${g.number}`);
    const before = await thread(g);
    expect(await command("paula", `add ${g.number} <@${P.bob.id}>`)).toBe(
      `#${g.number} is already resolved, so there is nobody to bring in. An admin can reopen it first (\`/oncall unresolve ${g.number}\`).`,
    );
    const s = await openGroup();
    await command("paula", `silence ${s.number} 1h`);
    expect(await command("paula", `add ${s.number} <@${P.bob.id}>`)).toMatch(/^#\d+ is silenced, so a page would not go out\. Unsilence it first/);
    expect(await pagesOf(g, "bob")).toEqual([]);
    expect(await pagesOf(s, "bob")).toEqual([]);
    expect(await thread(g)).toBe(before);
    expect((await app.store.read.audit.list({ limit: 50 })).find((e) => e.target === `#${g.number}`)).toMatchObject({ outcome: "failed" });
  });

  it("bad targets are named: an unknown schedule lists the schedules, a Slack user who is not a calpage user says so, nobody on call says so", async () => {
    const g = await openGroup();
    expect(await command("paula", `add ${g.number} db-secondary`)).toBe('"db-secondary" is neither a @mention nor a schedule. Schedules: db-primary, payments.');
    expect(await command("paula", `add ${g.number} <@${P.stranger.id}>`)).toBe(
      `<@${P.stranger.id}> is not a calpage user, so calpage cannot page them: an admin can add their Slack email to \`users\` in calpage.yaml.`,
    );
    expect(await command("paula", `add ${g.number} payments`)).toBe(`Nobody is on call in payments right now, so nobody was paged for #${g.number}.`);
    expect(await command("paula", `add ${g.number + 1000} db-primary`)).toBe(`There is no alert group #${g.number + 1000}.`);
    expect((await app.store.read.pages.listForGroup(g.id)).map((p) => p.userEmail)).toEqual([P.paula.email]);
    // Several at once: the one with nobody on call is noted, the others are paged.
    const mark = slack.calls.length;
    expect(await command("paula", `add ${g.number} payments <@${P.bob.id}> db-primary`)).toBe(
      `#${g.number}: added Bob Helper, Rita Rota (on call in db-primary) as responders (paging with their ladders); nobody is on call in payments.`,
    );
    await dmAbout("bob", g, mark);
    await dmAbout("rita", g, mark);
  });

  describe("the alert message's Add responder button", () => {
    async function openModal(who: Who, g: AlertGroupRecord): Promise<RecordedCall> {
      const mark = slack.calls.length;
      const body = buttonClickBody({ actionId: "alert_add_responder", value: g.id, userId: P[who].id, channelId: CHANNEL, messageTs: "1700000000.000100" });
      expect((await postSignedSlack(url, body)).status).toBe(200);
      return slack.waitFor((c) => c.seq > mark && c.method === "views.open", 10_000);
    }

    async function submit(who: Who, g: AlertGroupRecord, users: string[], schedules: string[]): Promise<unknown> {
      const values = {
        add_responder_users: { pick: { type: "multi_users_select", selected_users: users } },
        add_responder_schedules: { pick: { type: "multi_static_select", selected_options: schedules.map((s) => ({ text: { type: "plain_text", text: s }, value: s })) } },
      };
      const res = await postSignedSlack(url, viewSubmissionBody({ callbackId: "add_responder", userId: P[who].id, privateMetadata: g.id, values }));
      expect(res.status).toBe(200);
      const raw = await res.text();
      return raw ? JSON.parse(raw) : null;
    }

    it("is on firing and acknowledged groups' messages; its modal picks people and schedules, and pages them", async () => {
      const g = await openGroup();
      const posted = await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#db-alerts" && buttonValue(c.args.blocks, "alert_ack") === g.id, 10_000);
      expect(actionIds(posted.args.blocks)).toContain("alert_add_responder");
      const opened = await openModal("paula", g);
      const view = opened.args.view as { callback_id: string; private_metadata: string; blocks: { block_id?: string; element?: { type: string; options?: { value: string }[] } }[] };
      expect(view).toMatchObject({ callback_id: "add_responder", private_metadata: g.id });
      expect(view.blocks.find((b) => b.block_id === "add_responder_users")?.element?.type).toBe("multi_users_select");
      expect(view.blocks.find((b) => b.block_id === "add_responder_schedules")?.element?.options?.map((o) => o.value)).toEqual(["db-primary", "payments"]);

      await command("paula", `ack ${g.number}`);
      const mark = slack.calls.length;
      expect(await submit("paula", g, [P.bob.id], ["db-primary"])).toBeNull();
      await dmAbout("bob", g, mark);
      await dmAbout("rita", g, mark);
      expect(await thread(g)).toContain(`<@${P.paula.id}> added Bob Helper, Rita Rota (on call in db-primary) as responders (paging with their ladders).`);
      expect((await app.store.read.audit.list({ limit: 50 })).find((e) => e.target === `#${g.number}`)).toMatchObject({ surface: "slack_form", outcome: "done" });
      expect((await app.store.read.groups.get(g.id))!.state).toBe("acknowledged");
    });

    it("problems show under the inputs and change nothing: nothing picked, not a calpage user, a refusal", async () => {
      const g = await openGroup();
      const errors = (answer: unknown) => (answer as { response_action: string; errors: Record<string, string> }).errors.add_responder_users;
      expect(errors(await submit("paula", g, [], []))).toBe("Pick at least one person or schedule.");
      expect(errors(await submit("paula", g, [P.stranger.id], []))).toMatch(/is not a calpage user, so calpage cannot page them/);
      expect(errors(await submit("bob", g, [P.bob.id], []))).toMatch(/^Only #\d+'s responders \(Paula Paged\), admins \(Otto Other\) and the people paged for it can add responders to it\.$/);
      expect((await app.store.read.pages.listForGroup(g.id)).map((p) => p.userEmail)).toEqual([P.paula.email]);
    });
  });
});
