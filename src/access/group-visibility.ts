import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { AccessService } from "./access-service.js";
import type { Principal } from "./principal.js";

/** Who is in a channel, as far as seeing its alert groups goes (Slack's `conversations.members`). */
export interface ChannelMembership {
  /** The id of a channel given by name (`#alerts`, `alerts`); null when there is none or calpage cannot see it. */
  channelIdByName(name: string): Promise<string | null>;
  /** Member ids; null when calpage cannot see the channel. */
  channelMembers(channelId: string): Promise<string[] | null>;
}

export type VisibleGroups = { ok: true; groups: AlertGroupRecord[]; all: boolean } | { ok: false; message: string };

/**
 * Which alert groups someone may see (`/oncall alerts`, the web view): admins every group; other
 * calpage users those of channels they are in and those calpage paged them for. Guests, people who
 * are not calpage users and deactivated accounts get the access rules' refusal.
 */
export function createGroupVisibility(access: AccessService, channels: ChannelMembership) {
  async function pagedFor(g: AlertGroupRecord, p: Principal): Promise<boolean> {
    if (p.email === null) return false;
    return (await access.groupFacts(g)).paged.has(p.email);
  }

  async function channelHas(g: AlertGroupRecord, userId: string, cache: Map<string, Set<string> | null>): Promise<boolean> {
    const key = g.slackChannelId ?? g.channel!;
    if (!cache.has(key)) {
      const id = /^[CG][A-Z0-9]{2,}$/.test(key) ? key : await channels.channelIdByName(key).catch(() => null);
      const members = id ? await channels.channelMembers(id).catch(() => null) : null;
      cache.set(key, members ? new Set(members) : null);
    }
    return cache.get(key)?.has(userId) ?? false;
  }

  /** Whether `p` may see `g`, with the refusal (who can) when not. `cache` keeps channel members across calls of one request. */
  async function canSee(p: Principal, g: AlertGroupRecord, cache = new Map<string, Set<string> | null>()): Promise<{ ok: true } | { ok: false; message: string }> {
    const all = access.decide(p, { kind: "all_groups" });
    if (all.allowed) return { ok: true };
    if (all.rule !== "admins_only") return { ok: false, message: all.message };
    if (await pagedFor(g, p)) return { ok: true };
    if (p.kind === "slack" && g.channel !== null && (await channelHas(g, p.id, cache))) return { ok: true };
    const where = g.channel ? `its channel (${g.channel})` : "its channel";
    return { ok: false, message: `You can see #${g.number} when you are in ${where} or calpage paged you for it. ${all.message}` };
  }

  return {
    canSee,
    pagedFor,
    /** Of `groups`, those `p` may see, in order. */
    async filter(p: Principal, groups: AlertGroupRecord[]): Promise<VisibleGroups> {
      const all = access.decide(p, { kind: "all_groups" });
      if (!all.allowed && all.rule !== "admins_only") return { ok: false, message: all.message };
      if (all.allowed) return { ok: true, groups, all: true };
      const cache = new Map<string, Set<string> | null>();
      const visible: AlertGroupRecord[] = [];
      for (const g of groups) if ((await canSee(p, g, cache)).ok) visible.push(g);
      return { ok: true, groups: visible, all: false };
    },
  };
}

export type GroupVisibility = ReturnType<typeof createGroupVisibility>;
