import { randomBytes, timingSafeEqual } from "node:crypto";
import { DateTime } from "luxon";
import type { AccessDecision, AccessRequest } from "../access/access-policy.js";
import type { GroupVisibility } from "../access/group-visibility.js";
import type { Principal } from "../access/principal.js";
import type { Config } from "../config/config-types.js";
import { findGaps } from "../schedule/find-gaps.js";
import { loadFairnessReport, reportZone } from "../report/load-fairness-report.js";
import { MAX_REPORT_DAYS, parseReportRange } from "../report/report-range.js";
import type { ScheduleService } from "../schedule/schedule-service.js";
import type { SlackSignIn } from "../slack/web/slack-sign-in.js";
import type { Store } from "../store/store.js";
import { groupPage, groupTimeline } from "./group-page.js";
import { indexPage, messagePage } from "./index-page.js";
import { reportPage } from "./report-page.js";
import { schedulePage } from "./schedule-page.js";
import { buildTimeline, type TimelineView } from "./schedule-timeline.js";
import type { Viewer } from "./web-layout.js";
import { signWebToken, verifyWebToken, type WebIdentity } from "./web-token.js";

/** The `generated_secrets` name of the key web links and sessions are signed with (shared by replicas, kept across restarts). */
export const WEB_SIGNING_SECRET_NAME = "web.signing_key";

/** A page to send: status and the whole HTML document. */
export interface WebAnswer {
  status: number;
  html: string;
}

/** Someone signed in: the identity from their link or session, who they are now for the access rules, and the zone times are shown in. */
export interface SignedIn {
  identity: WebIdentity;
  principal: Principal;
  viewer: Viewer;
}

export interface WebServiceDeps {
  config: Config;
  store: Store;
  schedules: ScheduleService;
  visibility: GroupVisibility;
  /** The access rules, as in Slack: the fairness report is `{ kind: "report" }`, as `/oncall report`. */
  access: { decide(who: Principal, request: AccessRequest): AccessDecision };
  /** Emails of acknowledgers known only by their Slack id (as `/oncall report` looks them up). */
  slackEmails?: (ids: string[]) => Promise<Map<string, string>>;
  /** Who the Slack member is now (guest, deactivated, calpage user, user groups); its name names Slack ids in log lines. */
  principalOf(userId: string): Promise<Principal>;
  /** "Sign in with Slack" when SLACK_CLIENT_ID/SECRET are set; null = links only. */
  slackSignIn?: SlackSignIn | null;
  /** The member as calpage's bot sees them (`users.info`): null when they are not in its workspace. */
  slackUser?: (userId: string) => Promise<{ tz: string | null; deleted: boolean } | null>;
  now: () => number;
}

/** How far from today a schedule page may start (computing far-off years from a feed is work nobody needs). */
const MAX_START_DAYS = 2 * 366;
const NEW_LINK = "Type /oncall web in Slack to get a new personal link.";

/** The web view's decisions: links and sessions, who may see what, and each page's data. Routes stay thin. */
export function createWebService(deps: WebServiceDeps) {
  const { config, store, schedules, visibility, now } = deps;
  const users = new Map(config.users.map((u) => [u.email, u]));
  const bySlackId = new Map(config.users.filter((u) => u.slackId).map((u) => [u.slackId!, u]));
  const person = (email: string) => users.get(email)?.name ?? email;
  /** Names for the Slack ids in `texts` (mentions, actors): calpage.yaml's `slack_id`, else Slack's profile; at most 20 looked up. */
  async function slackNames(texts: (string | null)[]): Promise<(id: string) => string> {
    const ids = new Set<string>();
    for (const t of texts) for (const m of (t ?? "").matchAll(/\b([UW][A-Z0-9]{2,})\b/g)) if (ids.size < 20) ids.add(m[1]!);
    const found = new Map<string, string>();
    for (const id of ids) {
      const known = bySlackId.get(id)?.name;
      const name = known ?? (await deps.principalOf(id).then((p) => (p.name !== id ? p.name : null), () => null));
      if (name) found.set(id, name);
    }
    return (id) => found.get(id) ?? id;
  }
  let secret: Promise<string> | null = null;
  const signingSecret = () =>
    (secret ??= store.read.generatedSecrets.getOrCreate(WEB_SIGNING_SECRET_NAME, randomBytes(32).toString("base64url"), now()).catch((e: unknown) => {
      secret = null;
      throw e;
    }));

  const signIn = deps.slackSignIn ?? null;
  const signInAction = signIn ? { href: "/web/signin/slack", label: "Sign in with Slack" } : undefined;
  const refused = (status: number, title: string, ...lines: string[]): WebAnswer => ({ status, html: messagePage(title, lines, null, status === 200 ? undefined : signInAction) });
  const base = config.env.publicUrl.replace(/\/+$/, "");
  const redirectUri = `${base}/web/signin/slack/callback`;

  return {
    /** A personal link for `/oncall web`: `<PUBLIC_URL>/web/login?t=<token>`, valid for WEB_LINK_TTL. */
    async link(userId: string, email: string | null, tz: string | null): Promise<{ url: string; expiresAt: number }> {
      const expiresAt = now() + config.env.webLinkTtlSeconds * 1000;
      const token = signWebToken({ userId, email, tz, expiresAt }, await signingSecret());
      return { url: `${config.env.publicUrl.replace(/\/+$/, "")}/web/login?t=${token}`, expiresAt };
    },

    /** Checks a link's or session cookie's token; a refusal page (403) says how to get a new link. */
    async check(token: string | null): Promise<{ ok: true; identity: WebIdentity } | { ok: false; answer: WebAnswer }> {
      if (token === null || token === "") return { ok: false, answer: refused(401, "Sign in to calpage", "These pages show calpage's schedules and alert groups to people of its Slack workspace.", NEW_LINK) };
      const r = verifyWebToken(token, await signingSecret(), now());
      if (r.ok) return r;
      if (r.reason === "expired") return { ok: false, answer: refused(403, "This link has expired", `Links to calpage's web view last ${hoursText(config.env.webLinkTtlSeconds)}.`, NEW_LINK) };
      return { ok: false, answer: refused(403, "This link is not valid", "It was not made by this calpage, or it was changed or cut short when it was copied.", NEW_LINK) };
    },

    /** Who is looking, and in which zone (`?tz=`, else their Slack profile's, else calpage.yaml's); a deactivated account or an unknown zone is refused. */
    async signIn(identity: WebIdentity, tzParam: string | null): Promise<{ ok: true; who: SignedIn } | { ok: false; answer: WebAnswer }> {
      const principal = await deps.principalOf(identity.userId);
      if (principal.deactivated) return { ok: false, answer: refused(403, "Not allowed", "Your Slack account is deactivated, so calpage does not show its pages to it.") };
      if (tzParam !== null && !validZone(tzParam)) {
        return { ok: false, answer: refused(400, "Unknown time zone", `tz: "${tzParam}" is not a time zone calpage knows; use an IANA name like Europe/Berlin or America/New_York, or leave tz out to use your Slack profile's.`) };
      }
      const zone = tzParam ?? (identity.tz !== null && validZone(identity.tz) ? identity.tz : config.timezone);
      return { ok: true, who: { identity, principal, viewer: { name: principal.name, zone } } };
    },

    async index(who: SignedIn): Promise<WebAnswer> {
      const at = new Date(now());
      const list = config.schedules.map((s) => ({ name: s.name, onCall: schedules.whoIsOnCall(s.name, at).map(person), loaded: schedules.isLoaded(s.name) }));
      const seen = await visibility.filter(who.principal, await store.read.groups.listOpen(500));
      const groups = seen.ok ? seen.groups : [];
      const note = !seen.ok ? seen.message : seen.all ? null : "Only groups in channels you are in, or that paged you, are listed.";
      return { status: 200, html: indexPage({ schedules: list, groups, groupsNote: note }, who.viewer) };
    },

    async schedule(who: SignedIn, name: string, query: { view: string | null; start: string | null; tz: string | null }): Promise<WebAnswer> {
      if (!schedules.has(name)) {
        const known = config.schedules.map((s) => s.name).join(", ") || "none";
        return { status: 404, html: messagePage("No such schedule", [`There is no schedule called "${name}". Schedules: ${known}.`], who.viewer) };
      }
      const view = query.view ?? "week";
      if (view !== "week" && view !== "month") return { status: 400, html: messagePage("Bad view", [`view: expected week or month, found "${view}".`], who.viewer) };
      const zone = who.viewer.zone;
      let start = DateTime.fromMillis(now(), { zone });
      if (query.start !== null) {
        const d = /^\d{4}-\d{2}-\d{2}$/.test(query.start) ? DateTime.fromISO(query.start, { zone }) : null;
        if (!d?.isValid) return { status: 400, html: messagePage("Bad start date", [`start: expected a date like 2026-12-07, found "${query.start}".`], who.viewer) };
        if (Math.abs(d.diff(start, "days").days) > MAX_START_DAYS) {
          return { status: 400, html: messagePage("Bad start date", [`start: ${query.start} is more than two years from today; calpage shows schedules from two years back to two years ahead.`], who.viewer) };
        }
        start = d;
      }
      const base = buildTimeline({ schedule: name, view: view as TimelineView, start, zone, shifts: [], gaps: [], name: person });
      const shifts = await schedules.shiftsAsync(name, base.from, base.to);
      const loaded = schedules.isLoaded(name);
      const gaps = loaded ? findGaps(shifts, base.from, base.to) : [];
      const t = buildTimeline({ schedule: name, view: view as TimelineView, start, zone, shifts, gaps, name: person });
      return { status: 200, html: schedulePage(name, t, who.viewer, { loaded, zoneParam: query.tz }) };
    },

    /**
     * The fairness report from month `from` to month `to` (default the last three, this one
     * included), of one schedule or all, months in the schedule's zone as the CLI cuts them; cut at
     * now. Calpage users may see it, as `/oncall report`.
     */
    async report(who: SignedIn, query: { from: string | null; to: string | null; schedule: string | null }): Promise<WebAnswer> {
      const title = "Fairness report";
      const allowed = deps.access.decide(who.principal, { kind: "report" });
      if (!allowed.allowed) return { status: 403, html: messagePage("Not allowed", [allowed.message.replace(/`/g, "")], who.viewer) };
      const bad = (line: string) => ({ status: 400, html: messagePage(title, [line], who.viewer) });
      const names = config.schedules.map((s) => s.name);
      const schedule = query.schedule === null || query.schedule === "" ? null : query.schedule;
      if (schedule !== null && !names.includes(schedule)) return bad(`schedule: there is no schedule called "${schedule}". Schedules: ${names.join(", ") || "none"}.`);
      const zone = reportZone(config, schedule);
      const today = DateTime.fromMillis(now(), { zone });
      for (const [field, value] of [["from", query.from], ["to", query.to]] as const) {
        if (value !== null && !(/^\d{4}-\d{2}$/.test(value) && DateTime.fromFormat(value, "yyyy-MM").isValid)) return bad(`${field}: expected a month like ${today.toFormat("yyyy-MM")}, found "${value}".`);
      }
      const fromMonth = query.from ?? today.minus({ months: 2 }).toFormat("yyyy-MM");
      const toMonth = query.to ?? today.toFormat("yyyy-MM");
      if (toMonth < fromMonth) return bad(`to: ${toMonth} is before from (${fromMonth}); both months are included, so from=${fromMonth}&to=${fromMonth} is one month.`);
      const range = parseReportRange(fromMonth, toMonth, zone, { from: "from", to: "to" });
      if (!range.ok) return bad(`to: ${fromMonth} to ${toMonth} is longer than ${MAX_REPORT_DAYS} days; ask for at most 13 months at a time.`);
      if (range.value.from >= now()) return bad(`from: ${fromMonth} has not begun yet.`);
      const soFar = range.value.to > now();
      const to = Math.min(range.value.to, now());
      const { report, unloaded } = await loadFairnessReport({ config, store, schedules, slackEmails: deps.slackEmails }, { from: new Date(range.value.from), to: new Date(to), schedule });
      return { status: 200, html: reportPage(report, who.viewer, { schedule, schedules: names, fromMonth, toMonth, soFar, unloaded }) };
    },

    async group(who: SignedIn, number: number): Promise<WebAnswer> {
      const g = await store.read.groups.getByNumber(number);
      if (!g) return { status: 404, html: messagePage("No such alert group", [`There is no alert group #${number}.`], who.viewer) };
      const may = await visibility.canSee(who.principal, g);
      if (!may.ok) return { status: 403, html: messagePage("Not allowed", [may.message], who.viewer) };
      const [alerts, log, pages] = await Promise.all([store.read.alerts.recent(g.id, 500), store.read.log.list(g.id), store.read.pages.listForGroup(g.id)]);
      const slackName = await slackNames([g.acknowledgedBy, g.resolvedBy, g.silencedBy, ...log.map((e) => e.text)]);
      const entries = groupTimeline({ alerts, log, pages, person, slackName });
      const actor = (a: string) => (/^[UW][A-Z0-9]{2,}$/.test(a) ? slackName(a) : a);
      return { status: 200, html: groupPage(g, entries, who.viewer, { slackUrl: null, actor }) };
    },

    /** Whether "Sign in with Slack" is configured. */
    signInWithSlack: signIn !== null,

    /** Where to send the browser to sign in with Slack, and the `state.nonce` its cookie keeps until it comes back. */
    startSlackSignIn(): { location: string; pending: string } | null {
      if (!signIn) return null;
      const state = randomBytes(18).toString("base64url");
      const nonce = randomBytes(18).toString("base64url");
      return { location: signIn.authorizeUrl(state, nonce, redirectUri), pending: `${state}.${nonce}` };
    },

    /** Slack sent the browser back: the state must be this browser's, the code must name a member of calpage's workspace; then a session as for a link. */
    async finishSlackSignIn(q: { code: string | null; state: string | null; error: string | null }, pending: string | null): Promise<{ ok: true; token: string; identity: WebIdentity } | { ok: false; answer: WebAnswer }> {
      if (!signIn) return { ok: false, answer: refused(404, "Not found", "Sign in with Slack is not set up here.", NEW_LINK) };
      if (q.error !== null) return { ok: false, answer: refused(403, "Not signed in", `Slack did not sign you in (${q.error}).`, NEW_LINK) };
      const [state, nonce] = (pending ?? "").split(".");
      if (!state || !nonce || q.state === null || !sameText(q.state, state)) {
        return { ok: false, answer: refused(403, "Not signed in", "This sign-in was not started in this browser, or took longer than 10 minutes.", NEW_LINK) };
      }
      if (q.code === null || q.code === "") return { ok: false, answer: refused(400, "Not signed in", "code: Slack's answer has no code.", NEW_LINK) };
      const r = await signIn.exchange(q.code, redirectUri, nonce, now());
      if (!r.ok) return { ok: false, answer: refused(403, "Not signed in", r.message, NEW_LINK) };
      const member = await (deps.slackUser?.(r.userId) ?? Promise.resolve(null)).catch(() => null);
      if (member === null) return { ok: false, answer: refused(403, "Not signed in", "That Slack account is not in calpage's workspace.") };
      if (member.deleted) return { ok: false, answer: refused(403, "Not allowed", "Your Slack account is deactivated, so calpage does not show its pages to it.") };
      const identity: WebIdentity = { userId: r.userId, email: r.email, tz: member.tz, expiresAt: now() + config.env.webLinkTtlSeconds * 1000 };
      return { ok: true, token: signWebToken(identity, await signingSecret()), identity };
    },

    /** The session cookie's lifetime for a token (seconds, at least 1). */
    maxAgeSeconds(identity: WebIdentity): number {
      return Math.max(1, Math.floor((identity.expiresAt - now()) / 1000));
    },
    refusedPage: refused,
  };
}

export type WebService = ReturnType<typeof createWebService>;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function validZone(zone: string): boolean {
  return zone.length <= 64 && DateTime.now().setZone(zone).isValid;
}

function hoursText(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
