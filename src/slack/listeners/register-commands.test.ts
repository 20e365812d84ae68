import type { App } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import type { GuardedGroupActions } from "../../access/guarded-group-actions.js";
import type { Principal } from "../../access/principal.js";
import type { Config } from "../../config/config-types.js";
import type { AlertGroupRecord } from "../../store/repositories/alert-group-record.js";
import { registerCommands, type CommandDeps } from "./register-commands.js";

/**
 * `/oncall ack|resolve <n> <m>…` acts on each group on its own: when one of them fails outright
 * (the database went away mid-command), the answer still says which groups were done.
 */

const ASKER: Principal = { kind: "slack", id: "U0RITA", actor: "U0RITA", name: "Rita", email: "rita@example.com", guest: false, deactivated: false, userGroups: new Set(), operator: false };

function groupNumbered(n: number): AlertGroupRecord {
  return { id: `g${n}`, number: n, state: "firing" } as AlertGroupRecord;
}

/** The `/oncall` listener with a store of groups 1–5, whose `resolve` throws for the numbers in `failing`. */
function oncallCommand(failing: ReadonlySet<number>, openCount = 5) {
  let listener: ((args: Record<string, unknown>) => Promise<void>) | null = null;
  const app = { command: (_name: string, fn: typeof listener) => void (listener = fn) } as unknown as App;
  const done: number[] = [];
  const guarded = (async (_who: Principal, _surface: string, groupId: string) => {
    const n = Number(groupId.slice(1));
    if (failing.has(n)) throw new Error("database unavailable");
    done.push(n);
    return { ok: true, group: { ...groupNumbered(n), state: "resolved" } };
  }) as unknown as GuardedGroupActions;
  const deps = {
    config: { users: [], schedules: [] } as unknown as Config,
    store: {
      read: {
        groups: {
          getByNumber: async (n: number) => (n >= 1 && n <= openCount ? groupNumbered(n) : null),
          // Newest first, as the store lists them.
          listOpen: async (limit: number) => Array.from({ length: Math.min(openCount, limit) }, (_, i) => groupNumbered(openCount - i)),
        },
      },
    },
    guarded,
    principals: { forSlackUser: async () => ASKER },
    // Every group paged the asker.
    access: { groupFacts: async () => ({ paged: new Set([ASKER.email]) }) },
    now: () => 1_000,
  } as unknown as CommandDeps;
  registerCommands(app, deps);
  return {
    done,
    async run(text: string): Promise<string> {
      let answer = "";
      await listener!({
        command: { text, user_id: ASKER.id, channel_id: "C0ALERTS", trigger_id: "t" },
        ack: async (r?: { text: string }) => void (answer = r?.text ?? answer),
        respond: async (r: { text: string }) => void (answer = r.text),
        client: {},
      });
      return answer;
    },
  };
}

describe("/oncall resolve <several numbers>", () => {
  it("names the groups it did resolve when another one fails on the way, rather than saying nothing was changed", async () => {
    const cmd = oncallCommand(new Set([3]));
    const answer = await cmd.run("resolve 1-5");
    expect(cmd.done).toEqual([1, 2, 4, 5]);
    expect(answer).toContain("Resolved #1, #2, #4, #5.");
    expect(answer).toContain("#3");
    expect(answer).not.toMatch(/Nothing was changed/);
  });

  it("one group that fails still answers as before (nothing was changed)", async () => {
    const cmd = oncallCommand(new Set([2]));
    expect(await cmd.run("resolve 2")).toMatch(/^Something went wrong: database unavailable\. Nothing was changed unless a message says so\.$/);
  });
});

describe("/oncall resolve mine", () => {
  it("in a storm of more groups than one command takes, says how many it left for the next run", async () => {
    const cmd = oncallCommand(new Set(), 230);
    const answer = await cmd.run("resolve mine");
    expect(cmd.done).toHaveLength(200);
    // The newest 200 first.
    expect(Math.min(...cmd.done)).toBe(31);
    expect(answer.split("\n").at(-1)).toBe("30 more open groups paged you: run `/oncall resolve mine` again for them.");
  });
});
