import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, postSignedSlack } from "../e2e/harness.js";
import { alertFor, CHANNEL, oncall, slackId, startMeWorld, type MeWorld, type TestPerson } from "../me/me-harness.js";
import { slashCommandBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";

const people: Record<string, TestPerson> = {
  // On call all along.
  alice: { phone: null, default: "[slack_dm]" },
  // Not on the rota; paged by his own chain, acknowledges in Slack.
  bob: { phone: null, default: "[slack_dm]" },
};

/** A core `/oncall` subcommand (ack, help): its answer comes back in the HTTP response. */
async function core(w: MeWorld, person: string, text: string): Promise<string> {
  const res = await postSignedSlack(w.url, slashCommandBody({ command: "/oncall", text, userId: slackId(person), channelId: CHANNEL }));
  return ((await res.json()) as { text: string }).text;
}

/** `/oncall report` against a running calpage and a fake Slack: the month so far, privately. */
describe.each(BACKENDS)("/oncall report (%s)", (backend) => {
  let w: MeWorld;

  beforeAll(async () => {
    w = await startMeWorld(backend, people, { withTwilio: false, onCall: "alice", strangers: ["mallory"] });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("answers this month's table: Alice's hours on call, Bob's page and his acknowledgement made in Slack", async () => {
    const n = await alertFor(w, "bob", "fair-1", "Disk full");
    const group = await waitFor(() => w.app.store.read.groups.getByNumber(n));
    await waitFor(async () => (await w.app.store.read.pages.listForGroup(group.id)).some((p) => p.state === "sent" || p.state === "delivered"), { timeoutMs: 10_000 });
    expect(await core(w, "bob", `ack ${n}`)).toContain(`#${n}`);
    await waitFor(async () => (await w.app.store.read.groups.getByNumber(n))?.acknowledgedBy);

    const answer = await oncall(w, "alice", "report");
    expect(answer).toMatch(/^\*Fairness: primary, \w+ \d{4} so far\* \(UTC\)/);
    const table = /```\n([\s\S]*?)\n```/.exec(answer)![1]!.split("\n");
    expect(table[0]).toMatch(/^person\s+hours\s+night h\s+weekend h\s+pages\s+night pages\s+acks\s+ack median$/);
    const cells = (who: string) => table.find((l) => l.startsWith(who))!.trim().split(/\s{2,}/);
    // Bob was paged once and acknowledged (Slack told calpage who U0BOB… is); he is not on the rota.
    const bob = cells("Bob Example (off rota)");
    expect(bob.slice(1, 7)).toEqual(["0.0", "0.0", "0.0", "1", expect.stringMatching(/^[01]$/), "1"]);
    // The time to acknowledge (Slack shows &lt; as <).
    expect(bob[7]).toMatch(/^&lt;1s$|^\d+s$|^\d+m/);
    expect(Number(cells("Alice Example")[1])).toBeGreaterThan(0);
    expect(answer).toContain("in each person's zone");
    expect(answer).not.toContain("not a calpage user (not counted");
  });

  it("takes a schedule and a month, and explains what it cannot read", async () => {
    expect(await oncall(w, "alice", "report primary 2001-01")).toMatch(/^\*Fairness: primary, January 2001\* \(UTC\)\nNobody was on call or paged in this time\.$/);
    expect(await oncall(w, "alice", "report 2999-01")).toBe("January 2999 has not begun yet.");
    expect(await oncall(w, "alice", "report secondary")).toContain('"secondary" is neither a schedule nor a month');
    expect(await core(w, "alice", "help")).toContain("`/oncall report [schedule] [month]`");
    // A mistyped command is answered with the whole help, so the command meant is in it.
    const unknown = await core(w, "alice", "reprot");
    expect(unknown).toMatch(/^Unknown command "reprot"\.\n/);
    expect(unknown).toContain("`/oncall report [schedule] [month]`");
  });

  it("tells someone who is not a calpage user why not and who can add them", async () => {
    expect(await oncall(w, "mallory", "report")).toMatch(/^You are not a calpage user.*An admin .* can add you to `users` in calpage\.yaml\./);
  });
});
