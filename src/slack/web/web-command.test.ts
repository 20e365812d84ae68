import { describe, expect, it } from "vitest";
import type { Principal } from "../../access/principal.js";
import type { CommandContext } from "../../app/feature.js";
import type { SlackApi } from "../slack-api.js";
import { webCommands } from "./web-command.js";

const alice: Principal = { kind: "slack", id: "U0ALICE1", actor: "U0ALICE1", name: "Alice Example", email: "alice@example.com", guest: false, deactivated: false, userGroups: new Set(), operator: false };

function run(args: string[], who: Principal, opts: { publicUrlSet?: boolean; tz?: string | null; slackDown?: boolean } = {}) {
  const answers: string[] = [];
  const links: [string, string | null, string | null][] = [];
  const slack = {
    userInfo: async () => {
      if (opts.slackDown) throw new Error("slack is down");
      return { email: who.email, tz: opts.tz ?? null, name: who.name, deleted: who.deactivated, guest: who.guest };
    },
  } as unknown as SlackApi;
  const commands = webCommands({
    slack,
    ttlSeconds: 12 * 3600,
    publicUrlSet: opts.publicUrlSet ?? true,
    link: async (userId, email, tz) => {
      links.push([userId, email, tz]);
      return { url: "https://calpage.example.com/web/login?t=abc.def", expiresAt: 0 };
    },
  });
  const ctx = { userId: who.id, channelId: "C1", triggerId: "t", who: async () => who, respond: async (text: string) => void answers.push(text) } as unknown as CommandContext;
  return commands.web!.run(args, ctx).then(() => ({ answers, links }));
}

describe("/oncall web", () => {
  it("answers privately with a personal link, how long it lasts, and signs the asker's Slack time zone into it", async () => {
    const { answers, links } = await run([], alice, { tz: "America/New_York" });
    expect(links).toEqual([["U0ALICE1", "alice@example.com", "America/New_York"]]);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("<https://calpage.example.com/web/login?t=abc.def|Open calpage>");
    expect(answers[0]).toContain("valid 12h");
    expect(answers[0]).not.toContain("PUBLIC_URL");
  });

  it("still gives a link when Slack does not say the zone", async () => {
    const { links } = await run([], alice, { slackDown: true });
    expect(links).toEqual([["U0ALICE1", "alice@example.com", null]]);
  });

  it("says the link points at localhost when PUBLIC_URL is not set", async () => {
    const { answers } = await run([], alice, { publicUrlSet: false });
    expect(answers[0]).toContain("PUBLIC_URL is not set");
  });

  it("refuses a deactivated account and extra words, making no link", async () => {
    const gone = await run([], { ...alice, deactivated: true });
    expect(gone.answers).toEqual(["Your Slack account is deactivated, so calpage does not give it a link."]);
    expect(gone.links).toEqual([]);
    const extra = await run(["now"], alice);
    expect(extra.answers[0]).toContain("`/oncall web` takes no arguments");
    expect(extra.links).toEqual([]);
  });
});
