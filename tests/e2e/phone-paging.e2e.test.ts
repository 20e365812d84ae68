import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { slashCommandBody } from "../support/slack-signing.js";
import { BACKENDS, postSignedSlack, prepareEnvWithTwilio, sleep, startInProcess, writeConfigText, type Env } from "./harness.js";

const SID = "AC00000000000000000000000000000001";
const AUTH = "twilio-e2e-auth-token";
const FROM = "+15550009999";
const HOOK_TOKEN = "e2e-webhook-token-000001";

const people = {
  alice: { phone: "+15550000001", rules: "[sms, {wait: 2s}, call]" },
  bob: { phone: "+15550000002", rules: "[{call_until_answered: {every: 5s, times: 3}}]" },
  carol: { phone: "+15550000003", rules: "[{call_until_answered: {every: 5s, times: 3}}, sms]" },
  dave: { phone: "+15550000004", rules: "[sms]" },
  erin: { phone: "+15550000005", rules: "[sms]" },
  frank: { phone: null, rules: "[slack_dm]" },
  grace: { phone: null, rules: "[slack_dm]" },
  // Paged by an important step: her important ladder is one call.
  ivy: { phone: "+15550000009", rules: "[slack_dm]", important: "[call]" },
} as const;
type Person = keyof typeof people;
const email = (p: Person) => `${p}@example.com`;
const slackId = (p: Person) => `U0${p.toUpperCase().padEnd(6, "X")}`;

function configYaml(): string {
  const users = (Object.keys(people) as Person[])
    .map((p) => {
      const phone = people[p].phone ? `\n    phone: "${people[p].phone}"` : "";
      const person: { rules: string; important?: string } = people[p];
      const important = person.important ? `\n      important: ${person.important}` : "";
      return `  - email: ${email(p)}\n    name: ${p[0]!.toUpperCase()}${p.slice(1)}${phone}\n    notification_rules:\n      default: ${person.rules}${important}`;
    })
    .join("\n");
  const chains = (Object.keys(people) as Person[])
    .map((p) => {
      if (p === "frank") return `  - name: frank\n    steps:\n      - notify_users: [${email(p)}]\n      - wait: 1s\n      - repeat: 2`;
      if (p === "ivy") return `  - name: ivy\n    steps:\n      - notify_users: [${email(p)}]\n        important: true`;
      if (p === "grace") return `  - name: grace\n    steps:\n      - notify_users: [${email(p)}]\n      - wait: 2s\n      - notify_users: [${email(p)}]`;
      return `  - name: ${p}\n    steps:\n      - notify_users: [${email(p)}]`;
    })
    .join("\n");
  const routes = (Object.keys(people) as Person[]).map((p) => `      - matchers: ['who="${p}"']\n        chain: ${p}`).join("\n");
  return `timezone: UTC
users:
${users}
escalation_chains:
${chains}
integrations:
  - name: hooks
    type: webhook
    token: ${HOOK_TOKEN}
    channel: "#alerts"
    routes:
${routes}
paging:
  sms_per_window: 5
  calls_per_window: 3
  window: 20s
`;
}

describe.each(BACKENDS)("phone paging through Twilio (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let app: Calpage;
  let url: string;

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: Object.fromEntries((Object.keys(people) as Person[]).map((p) => [email(p), { id: slackId(p), name: p }])),
      channels: { alerts: "C0ALERTS1" },
      token: "xoxb-e2e-test",
    });
    let port: number;
    ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: SID, authToken: AUTH, from: FROM }));
    const yaml = configYaml();
    const path = writeConfigText(env, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml, port));
  });

  afterAll(async () => {
    await app?.stop();
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
  });

  async function alert(who: Person, uid: string, title = `${who} disk full`): Promise<number> {
    const res = await fetch(`${url}/integrations/v1/webhook/${HOOK_TOKEN}/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title, alert_uid: uid, who }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
  }
  const smsTo = (p: Person) => twilio.messages.filter((m) => m.to === people[p].phone);
  const callsTo = (p: Person) => twilio.calls.filter((c) => c.to === people[p].phone);
  const dmsTo = (p: Person) => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === slackId(p));
  const group = async (n: number) => (await app.store.read.groups.getByNumber(n))!;

  it("an SMS reply `<n>a` acknowledges the group and stops the ladder before its call", async () => {
    const n = await alert("alice", "alice-1");
    const sms = await twilio.waitForMessage((m) => m.to === people.alice.phone, 10_000);
    expect(sms.from).toBe(FROM);
    expect(sms.body).toContain(`#${n}`);
    expect(sms.body).toContain(`Reply ${n}a`);
    const reply = await twilio.sendInboundSms({ from: people.alice.phone, to: FROM, body: ` ${n} A `, url: `${url}/twilio/sms/inbound` });
    expect(reply.status).toBe(200);
    expect(reply.replies.join(" ")).toMatch(/acknowledged/i);
    expect((await group(n)).state).toBe("acknowledged");
    // The reply acts as the owner of the number: audited as Alice, from SMS.
    expect((await app.store.read.audit.list({ actor: email("alice") })).find((e) => e.target === `#${n}`)).toMatchObject({ actorKind: "phone", surface: "sms", action: "acknowledge", outcome: "done" });
    await sleep(3000);
    expect(callsTo("alice")).toHaveLength(0);
    expect(smsTo("alice")).toHaveLength(1);
  });

  const logOf = async (n: number) => (await app.store.read.log.list((await group(n)).id)).map((e) => e.text);

  it("keypress 4 on the call acknowledges the group and stops further calls", async () => {
    twilio.setCallOutcome(people.bob.phone, "answered");
    const n = await alert("bob", "bob-1", "Bob database down");
    const call = await twilio.waitForCall((c) => c.to === people.bob.phone && c.twiml.length > 0, 10_000);
    expect(call.twiml[0]).toContain("Bob database down");
    expect(call.twiml[0]).toMatch(/press 4/i);
    const pressed = await twilio.pressDigits(call.sid, "4");
    expect(pressed.twiml).toMatch(/acknowledged/i);
    expect((await group(n)).state).toBe("acknowledged");
    expect((await app.store.read.audit.list({ actor: email("bob") })).find((e) => e.target === `#${n}`)).toMatchObject({ actorKind: "phone", surface: "voice", action: "acknowledge", outcome: "done" });
    // `call until answered` every 5s: no second call comes.
    await sleep(6500);
    expect(callsTo("bob")).toHaveLength(1);
    expect(await logOf(n)).toContain("Bob answered the call and pressed 4.");
    expect((await app.store.read.pages.listForGroup((await group(n)).id)).map((p) => [p.channel, p.state])).toEqual([["call", "answered"]]);
  });

  it("a call that ends `completed` without a keypress (voicemail, hang-up) is not an answer: called again, then the ladder goes on", async () => {
    twilio.setCallOutcome(people.carol.phone, ["no-answer", "answered", "machine"]);
    const n = await alert("carol", "carol-1");
    await twilio.waitForCall((c) => c.to === people.carol.phone, 10_000);
    // Carol picks up the second call, listens, and hangs up without pressing a key.
    const second = await twilio.waitForCall((c) => c.to === people.carol.phone && c.twiml.length > 0, 15_000);
    await twilio.hangUp(second.sid);
    expect(second.twiml[0]).toMatch(/press 4/i);
    // ... so she is called a third time. Her voicemail picks up: answering-machine detection tells
    // calpage, which leaves a short message instead of the menu and hangs up.
    const third = await twilio.waitForCall((c) => c.to === people.carol.phone && c.sid !== second.sid && c.status === "completed" && c.twiml.length > 0, 15_000);
    expect(third.machineDetection).toBe("DetectMessageEnd");
    expect(third.twiml).toHaveLength(1);
    expect(third.twiml[0]).toContain("Please check Slack to acknowledge it. Goodbye.");
    expect(third.twiml[0]).not.toMatch(/press 4/i);
    // Three calls were the rung's limit: the ladder goes on to its SMS.
    const sms = await twilio.waitForMessage((m) => m.to === people.carol.phone, 10_000);
    expect(sms.body).toContain(`#${n}`);
    expect(callsTo("carol")).toHaveLength(3);
    expect(third.status).toBe("completed");
    const log = await logOf(n);
    expect(log).toContain("Carol did not answer the call (no-answer).");
    expect(log.filter((t) => t === "The call to Carol ended without a keypress (voicemail or hang-up); not counted as answered.")).toHaveLength(2);
    expect(log.some((t) => /answered the call and pressed/.test(t))).toBe(false);
    expect(log).toContain("Carol: Rung 1: no answer after 3 calls; going on.");
    expect((await group(n)).state).toBe("firing");
    await app.actions((await group(n)).id, "resolve", "test", Date.now());
  });

  it("important calls held back by the per-number limit are said in the thread, and the person gets exactly one SMS about it", async () => {
    twilio.setCallOutcome(people.ivy.phone, "no-answer");
    // Five important pages at once; calls_per_window is 3 (window 20s).
    const numbers = await Promise.all([1, 2, 3, 4, 5].map((i) => alert("ivy", `ivy-${i}`, `ivy outage ${i}`)));
    const notice = await twilio.waitForMessage((m) => m.to === people.ivy.phone, 15_000);
    expect(notice.body).toMatch(/^calpage #\d+ IMPORTANT: ivy outage \d\. A call to you was held back \(3 calls to this number in 20s\)\. Reply \d+a to ack, or see Slack\.$/);
    for (let i = 0; i < 50 && callsTo("ivy").length < 3; i++) await sleep(200);
    await sleep(3000);
    expect(callsTo("ivy")).toHaveLength(3);
    // One text per window, not one per held-back call.
    expect(smsTo("ivy")).toHaveLength(1);
    const logs = await Promise.all(numbers.map(logOf));
    const heldLines = logs.flat().filter((t) => t.includes("held back"));
    expect(heldLines.filter((t) => t === "The call to Ivy was held back: 3 calls to …0009 in 20s.")).toHaveLength(2);
    expect(logs.flat().filter((t) => t === "Texted Ivy (…0009) that a page was held back by the limit.")).toHaveLength(1);
    // The whole number never shows in the thread.
    expect(logs.flat().filter((t) => t.includes("15550000009"))).toEqual([]);
    // The SMS is tied to one of the groups, so a reply acknowledges it.
    const noticed = Number(/^calpage #(\d+)/.exec(notice.body)![1]);
    const reply = await twilio.sendInboundSms({ from: people.ivy.phone, to: FROM, body: `${noticed}a`, url: `${url}/twilio/sms/inbound` });
    expect(reply.replies.join(" ")).toMatch(/acknowledged/i);
    expect((await group(noticed)).state).toBe("acknowledged");
    for (const n of numbers) await app.actions((await group(n)).id, "resolve", "test", Date.now());
  });

  it("STOP stops texts; the next page skips SMS and says why", async () => {
    const stop = await twilio.sendInboundSms({ from: people.dave.phone, to: FROM, body: "STOP", url: `${url}/twilio/sms/inbound` });
    expect(stop.status).toBe(200);
    expect((await app.store.read.audit.list({ actor: email("dave") }))[0]).toMatchObject({ surface: "sms", action: "settings: SMS opt-out (STOP)", outcome: "done" });
    const n = await alert("dave", "dave-1");
    await sleep(1500);
    expect(smsTo("dave")).toHaveLength(0);
    const log = (await app.store.read.log.list((await group(n)).id)).map((e) => e.text);
    expect(log.some((t) => t.includes("texts are stopped (STOP)"))).toBe(true);
  });

  it("refuses unsigned or wrongly signed Twilio callbacks and changes nothing", async () => {
    const n = await alert("frank", "frank-sig");
    const body = new URLSearchParams({ From: people.alice.phone, To: FROM, Body: `${n}r`, AccountSid: SID }).toString();
    const unsigned = await fetch(`${url}/twilio/sms/inbound`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(unsigned.status).toBe(403);
    const forged = await fetch(`${url}/twilio/sms/inbound`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "bm90IGEgc2lnbmF0dXJl" },
      body,
    });
    expect(forged.status).toBe(403);
    expect((await group(n)).state).toBe("firing");
    await app.actions((await group(n)).id, "resolve", "test", Date.now());
  });

  it("repeat runs the chain the configured number of times", async () => {
    const n = await alert("frank", "frank-repeat");
    for (let i = 0; i < 150 && dmsTo("frank").length < 4; i++) await sleep(200);
    await sleep(1500);
    // frank-sig paged once before; this chain runs 1 + 2 repeats = 3 times.
    expect(dmsTo("frank")).toHaveLength(4);
    expect((await group(n)).escalation.status).toBe("finished");
  });

  it("silence pauses the chain and restarts it from the first step when it ends", async () => {
    const n = await alert("grace", "grace-1");
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === slackId("grace"), 5000);
    const res = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: `silence ${n} 4s`, userId: slackId("grace"), channelId: "C0ALERTS1" }));
    expect(res.status).toBe(200);
    expect((await group(n)).state).toBe("silenced");
    await sleep(2500);
    expect(dmsTo("grace")).toHaveLength(1);
    for (let i = 0; i < 150 && dmsTo("grace").length < 2; i++) await sleep(200);
    expect(dmsTo("grace")).toHaveLength(2);
    expect((await group(n)).state).toBe("firing");
    for (let i = 0; i < 150 && dmsTo("grace").length < 3; i++) await sleep(200);
    expect(dmsTo("grace")).toHaveLength(3);
  });

  it("a storm of 200 alert groups to one person sends a bounded number of texts: the limit, then one bundle", async () => {
    const first = Date.now();
    await Promise.all(Array.from({ length: 200 }, (_, i) => alert("erin", `erin-${i}`, `erin storm ${i}`)));
    if (process.env.STORM_DEBUG) {
      console.log("ingested after", Date.now() - first);
      const { sql } = await import("drizzle-orm");
      for (let i = 0; i < 25; i++) {
        const rows = await app.store.transaction((tx) => tx.db.all<{ state: string; n: unknown }>(sql`select state, count(*) as n from pages where phone = ${people.erin.phone} group by state`));
        const jobs = await app.store.transaction((tx) => tx.db.all<{ task: string; n: unknown }>(sql`select task, count(*) as n from jobs group by task`).catch(() => []));
        console.log(Date.now() - first, JSON.stringify(rows), JSON.stringify(jobs));
        await sleep(1000);
      }
    }
    await sleep(5000);
    expect(smsTo("erin")).toHaveLength(5);
    const bundle = await twilio.waitForMessage((m) => m.to === people.erin.phone && /more alerts/.test(m.body), 40_000);
    expect(bundle.body).toContain("195 more alerts");
    expect(bundle.createdAt - first).toBeGreaterThanOrEqual(15_000);
    await sleep(1000);
    expect(smsTo("erin")).toHaveLength(6);
  }, 90_000);

  it("sent nothing unexpected", () => {
    expect(twilio.unexpected).toEqual([]);
    expect(slack.unexpected).toEqual([]);
    // Every text went to someone whose ladder has SMS, and no call went to anyone without a call rung.
    expect(new Set(twilio.messages.map((m) => m.to))).toEqual(new Set([people.alice.phone, people.carol.phone, people.erin.phone, people.ivy.phone]));
    expect(new Set(twilio.calls.map((c) => c.to))).toEqual(new Set([people.bob.phone, people.carol.phone, people.ivy.phone]));
  });
});
