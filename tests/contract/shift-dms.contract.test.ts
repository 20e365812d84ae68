import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config-types.js";
import { parseConfig } from "../../src/config/parse-config.js";
import type { TaskHandler } from "../../src/jobs/job-queue.js";
import { createInlineCompute } from "../../src/schedule/compute-client.js";
import type { ShiftDm } from "../../src/schedule/plan-shift-dms.js";
import { createScheduleService, type ScheduleService } from "../../src/schedule/schedule-service.js";
import { makeShiftDmsHandler, type ShiftDmPayload } from "../../src/schedule/shift-dm-jobs.js";
import type { Store } from "../../src/store/store.js";
import { waitFor } from "../support/wait-for.js";
import { ics, startFeedServer, TEAM, type FeedServer, type IcsEvent } from "../schedule/schedule-harness.js";
import { recordingHandlers } from "./job-recorder.js";
import { backends, type BackendContext } from "./backends.js";

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;
/**
 * Whole hours, so the feed's shifts line up with the injected clock; days back, so the jobs the
 * planner queues at injected times are due for the (real-time) job runner at once.
 */
const T0 = Math.floor(Date.now() / H) * H - 5 * DAY;
/** Alice's shift, then Bob's. */
const ALICE_START = T0 + 2 * DAY;
const HANDOVER = ALICE_START + 8 * H;

function config(url: string): Config {
  const yaml = `users:
${[TEAM.alice, TEAM.bob, TEAM.carol].map((p) => `  - email: ${p.email}\n    name: ${p.name}`).join("\n")}
schedules:
  - name: primary
    feed: ${url}
    timezone: Europe/Berlin
    channel: "#oncall"
    handoff: channel
`;
  const parsed = parseConfig(yaml, "/tmp/calpage.yaml", {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

const rota = (aliceStart: number): IcsEvent[] => [
  { uid: "alice", summary: "On call: Alice Example", start: new Date(aliceStart), end: new Date(HANDOVER) },
  { uid: "bob", summary: "On call: Bob Example", start: new Date(HANDOVER), end: new Date(HANDOVER + DAY) },
];

/**
 * Shift DMs with two replicas on one database, each running the planning job at the same
 * injected instants (as two processes whose timers fire together): every reminder, "moved",
 * "on call now" and handoff is queued exactly once, and a replica started later (a restart)
 * sends nothing again.
 */
describe.each(backends)("shift DMs with two replicas: $name", (backend) => {
  let ctx: BackendContext;
  let feed: FeedServer;
  let cfg: Config;
  let t = T0;
  const now = () => t;
  const replicas: { store: Store; schedules: ScheduleService; plan: TaskHandler }[] = [];
  const dms: ShiftDmPayload[] = [];

  /** On Postgres a replica has its own connection pool; SQLite has one process per file, so they share its store. */
  async function replica(): Promise<(typeof replicas)[number]> {
    const store = backend.name === "sqlite" && replicas[0] ? replicas[0].store : await ctx.openMigratedStore();
    const schedules = createScheduleService(store, cfg, { compute: createInlineCompute(), now });
    await schedules.start({ refresh: false });
    const r = { store, schedules, plan: makeShiftDmsHandler({ store, config: cfg, schedules, log: () => undefined, now }) };
    replicas.push(r);
    return r;
  }

  beforeAll(async () => {
    ctx = await backend.open();
    feed = await startFeedServer(ics(rota(ALICE_START)));
    cfg = config(feed.url);
    const first = await replica();
    await first.store.transaction(async (tx) => {
      await tx.db.run(sql`delete from shift_messages`);
    });
    await replica();
    // One runner takes the DM jobs both replicas queue (the handler is the Slack side's; here it records).
    const rec = recordingHandlers();
    const record: TaskHandler = async (payload) => void dms.push(payload as unknown as ShiftDmPayload);
    await ctx.startRunner(first.store, { ...rec.handlers, "schedule.shift_dm": record, "schedule.shift_dms": async () => undefined });
  });

  afterAll(async () => {
    for (const r of replicas) await r.schedules.stop();
    await feed?.close();
    await ctx?.dispose();
  });

  /** Both replicas plan at `at`, at the same time; returns the DMs queued by it, once the runner has taken every job. */
  async function planAt(at: number): Promise<{ to: string; dm: ShiftDm }[]> {
    t = at;
    const before = dms.length;
    await Promise.all(replicas.map((r) => r.plan({ schedule: "primary" }, { attempt: 1 } as never)));
    // The DM jobs, and the timed re-run (due at once: the injected clock is days behind), all done.
    await waitFor(async () => (await ctx.jobCount(replicas[0]!.store)) === 0, { timeoutMs: 15_000, description: "the runner to take every job" });
    // The runner may take them in any order: sorted by whom they are for.
    return dms
      .slice(before)
      .map((d) => ({ to: "channel" in d.to ? "#channel" : `${d.to.email}:${d.to.role}`, dm: d.dm }))
      .sort((a, b) => a.to.localeCompare(b.to) || a.dm.kind.localeCompare(b.dm.kind));
  }

  const alice = { start: ALICE_START, end: HANDOVER };
  const bob = { start: HANDOVER, end: HANDOVER + DAY };

  it("sends the day-before reminder once", async () => {
    expect(await planAt(ALICE_START - DAY - M)).toEqual([]);
    expect(await planAt(ALICE_START - DAY)).toEqual([{ to: `${TEAM.alice.email}:self`, dm: { kind: "reminder", turn: alice, before: DAY } }]);
    expect(await planAt(ALICE_START - DAY + M)).toEqual([]);
  });

  it("tells a moved shift once, and reminds of the new time at its hour", async () => {
    const moved = ALICE_START + 2 * H;
    feed.body = ics(rota(moved));
    for (const r of replicas) await r.schedules.refresh("primary");
    const got = await planAt(ALICE_START - 2 * H);
    expect(got).toEqual([
      { to: `${TEAM.alice.email}:self`, dm: { kind: "moved", from: alice, to: { start: moved, end: HANDOVER } } },
      // Bob's day-before reminder fell due too.
      { to: `${TEAM.bob.email}:self`, dm: { kind: "reminder", turn: bob, before: DAY } },
    ]);
    expect(await planAt(moved - H - M)).toEqual([]);
    expect(await planAt(moved - H)).toEqual([{ to: `${TEAM.alice.email}:self`, dm: { kind: "reminder", turn: { start: moved, end: HANDOVER }, before: H } }]);
    expect(await planAt(moved - 30 * M)).toEqual([]);
  });

  it("says 'on call now' once at the start, and the handoff once at the end, to both and the channel", async () => {
    const turn = { start: ALICE_START + 2 * H, end: HANDOVER };
    expect(await planAt(turn.start)).toEqual([{ to: `${TEAM.alice.email}:self`, dm: { kind: "start", turn } }]);
    expect(await planAt(turn.start + H)).toEqual([]);
    // Bob's hour-before reminder.
    expect((await planAt(HANDOVER - H)).map((d) => d.dm.kind)).toEqual(["reminder"]);
    const end = await planAt(HANDOVER);
    const handoff = { kind: "handoff", turn, outgoing: TEAM.alice.email, incoming: [TEAM.bob.email], lead: true };
    expect(end).toEqual([
      { to: "#channel", dm: handoff },
      { to: `${TEAM.alice.email}:outgoing`, dm: handoff },
      { to: `${TEAM.bob.email}:incoming`, dm: handoff },
      { to: `${TEAM.bob.email}:self`, dm: { kind: "start", turn: bob } },
    ]);
    expect(await planAt(HANDOVER + M)).toEqual([]);
  });

  it("tells each person whose shifts changed once, every change in one message", async () => {
    const half = HANDOVER + 12 * H;
    feed.body = ics([
      ...rota(ALICE_START + 2 * H).filter((e) => e.uid !== "bob"),
      { uid: "bob", summary: "On call: Bob Example", start: new Date(HANDOVER), end: new Date(half) },
      { uid: "carol", summary: "On call: Carol Example", start: new Date(half), end: new Date(HANDOVER + DAY) },
      { uid: "carol2", summary: "On call: Carol Example", start: new Date(HANDOVER + 3 * DAY), end: new Date(HANDOVER + 4 * DAY) },
    ]);
    for (const r of replicas) await r.schedules.refresh("primary");
    // Carol's first new shift is within a day: its reminder comes at once. Bob's running shift is not a new start.
    expect(await planAt(HANDOVER + 2 * M)).toEqual([{ to: `${TEAM.carol.email}:self`, dm: { kind: "reminder", turn: { start: half, end: HANDOVER + DAY }, before: DAY } }]);
    // The changes wait two minutes for more, then come in one message per person.
    expect(await planAt(HANDOVER + 3 * M)).toEqual([]);
    expect(await planAt(HANDOVER + 4 * M)).toEqual([
      { to: `${TEAM.bob.email}:self`, dm: { kind: "changes", removed: [bob], added: [{ start: HANDOVER, end: half }] } },
      { to: `${TEAM.carol.email}:self`, dm: { kind: "changes", removed: [], added: [{ start: half, end: HANDOVER + DAY }, { start: HANDOVER + 3 * DAY, end: HANDOVER + 4 * DAY }] } },
    ]);
    expect(await planAt(HANDOVER + 5 * M)).toEqual([]);
  });

  it("tells a cancelled shift once, and not again among the changes", async () => {
    const carol2 = { start: HANDOVER + 3 * DAY, end: HANDOVER + 4 * DAY };
    expect(await planAt(carol2.start - DAY)).toEqual([{ to: `${TEAM.carol.email}:self`, dm: { kind: "reminder", turn: carol2, before: DAY } }]);
    feed.body = ics([
      ...rota(ALICE_START + 2 * H).filter((e) => e.uid !== "bob"),
      { uid: "bob", summary: "On call: Bob Example", start: new Date(HANDOVER), end: new Date(HANDOVER + 12 * H) },
      { uid: "carol", summary: "On call: Carol Example", start: new Date(HANDOVER + 12 * H), end: new Date(HANDOVER + DAY) },
    ]);
    for (const r of replicas) await r.schedules.refresh("primary");
    expect(await planAt(carol2.start - DAY + M)).toEqual([{ to: `${TEAM.carol.email}:self`, dm: { kind: "cancelled", turn: carol2 } }]);
    expect(await planAt(carol2.start - DAY + 5 * M)).toEqual([]);
  });

  it("a replica started later (a restart) sends nothing again", async () => {
    await replica();
    expect(await planAt(HANDOVER + 2 * DAY + 10 * M)).toEqual([]);
  });
});
