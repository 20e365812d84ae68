import path from "node:path";
import { fileURLToPath } from "node:url";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { parseJsonPath } from "../alerts/json-path.js";
import { formatDuration } from "../shared/duration.js";
import { fail, ok, type Result } from "../shared/result.js";
import { Checker, describe, isEmpty, joinKey, missingReference, suggest } from "./config-checker.js";
import {
  CONFIG,
  defaultOf,
  durationField,
  EMAIL_RE,
  FEED_EXPECTATION,
  INTEGRATION,
  INTEGRATION_TYPES,
  integerField,
  isRequired,
  keysOf,
  MAPPING,
  RESOLVE_WHEN,
  ROUTE,
  SCHEDULE,
  SLACK_ID_RE,
  USER,
} from "./config-shape.js";
import type {
  Config,
  ConfigProblem,
  IntegrationConfig,
  IntegrationType,
  Matcher,
  NotificationRules,
  PagingLimits,
  RouteConfig,
  ScheduleConfig,
  UserConfig,
  WebhookMappingConfig,
} from "./config-types.js";
import { parseMatcherList } from "./parse-matcher.js";
import { substituteEnv } from "./substitute-env.js";
import { validateAccess, validatePeople } from "./validate-access.js";
import { validateApi } from "./validate-api.js";
import { validateChains, validateUserGroup, type UserLookup } from "./validate-chains.js";
import { validateEnv } from "./validate-env.js";
import { validatePaging, validateTeamRules, validateUserRules } from "./validate-notification-rules.js";
import { validateStorm } from "./validate-storm.js";
import { validateOutgoingWebhooks } from "./validate-outgoing-webhooks.js";
import { validateTemplates } from "./validate-templates.js";

export { suggest } from "./config-checker.js";

export interface ParseConfigOptions {
  /**
   * Called with the absolute path of every local feed file; `false` is a warning (see missingFeedFileText), not an error.
   * Left out, feed files are not checked (keeps parseConfig free of fs; loadConfig passes one).
   */
  fileExists?: (absPath: string) => boolean;
}

/**
 * Turns the text of `calpage.yaml` plus the environment into a validated {@link Config}.
 * Every problem found is returned at once, each with its path (`escalation_chains[1].steps[2].wait`)
 * and the 1-based line of the offending node, or of the nearest existing parent when a key is missing.
 * `${VAR}` references in string values are substituted first (see substituteEnv).
 * Relative local feed paths are resolved against the config file's folder.
 */
export function parseConfig(
  yamlText: string,
  configPath: string,
  env: Record<string, string | undefined>,
  options: ParseConfigOptions = {},
): Result<Config, ConfigProblem> {
  const absPath = path.resolve(configPath);
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  const index = indexDocument(doc, yamlText, lineCounter, env);

  const lastLine = Math.max(1, lineCounter.linePos(yamlText.trimEnd().length).line);
  const syntaxProblems = doc.errors.map((err): ConfigProblem => {
    let offset = err.pos[0];
    // yaml points duplicate keys at the whitespace before them.
    if (err.code === "DUPLICATE_KEY") while (/\s/.test(yamlText[offset] ?? "")) offset++;
    const at = index.pathAt(offset);
    const message =
      err.code === "DUPLICATE_KEY"
        ? `duplicate key "${/[^.]*$/.exec(at)?.[0] ?? ""}" (each key may appear only once in a mapping)`
        : err.code === "MULTIPLE_DOCS"
          ? "the file holds more than one YAML document (---); calpage reads exactly one"
          : `invalid YAML: ${err.message}`;
    // Errors found at the end of input (unclosed brackets) would otherwise point past the last line.
    return { path: at, message, line: Math.min(lineCounter.linePos(offset).line, lastLine) };
  });
  const blocking = [...syntaxProblems, ...index.aliasProblems];
  // A broken tree would only add follow-up noise: report the syntax first.
  if (blocking.length > 0) return fail(...sortProblems(blocking));

  const c = new Checker(index.lines, index.commentedOut, new Set(index.substitutionProblems.map((p) => p.path)));
  c.problems.push(...index.substitutionProblems);
  const root: unknown = doc.toJS({ maxAliasCount: 1000 });
  const config = validateRoot(c, root ?? {}, absPath, options, index.valueLines);
  const envConfig = validateEnv(c, env);
  if (c.problems.length > 0 || config === null) return fail(...sortProblems(c.problems));
  return ok({ ...config, env: envConfig, ...(c.warnings.length > 0 ? { warnings: sortProblems(c.warnings) } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Document index: lines per path, env substitution, source spans for syntax errors.

interface DocumentIndex {
  lines: Map<string, number>;
  /** Line where a scalar's text starts: its own line, or the line after a block scalar's `|`/`>`. */
  valueLines: Map<string, number>;
  /** Paths whose value is empty because a `#…` right after the key started a YAML comment. */
  commentedOut: Map<string, string>;
  substitutionProblems: ConfigProblem[];
  aliasProblems: ConfigProblem[];
  pathAt(offset: number): string;
}

function indexDocument(
  doc: Document,
  source: string,
  lineCounter: LineCounter,
  env: Record<string, string | undefined>,
): DocumentIndex {
  const lines = new Map<string, number>();
  const valueLines = new Map<string, number>();
  const commentedOut = new Map<string, string>();
  const substitutionProblems: ConfigProblem[] = [];
  const aliasProblems: ConfigProblem[] = [];
  const spans: { path: string; start: number; end: number }[] = [];
  const lineOf = (node: unknown): number | null => {
    const range = (node as { range?: [number, number, number] | null } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : null;
  };
  const span = (p: string, start: number | undefined, end: number | undefined) => {
    if (start !== undefined && end !== undefined) spans.push({ path: p, start, end });
  };

  const visit = (node: unknown, p: string, line: number | null): void => {
    if (line !== null && !lines.has(p)) lines.set(p, line);
    if (isScalar(node)) {
      if (node.range) {
        const block = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED";
        valueLines.set(p, lineCounter.linePos(node.range[0]).line + (block ? 1 : 0));
      }
      if (typeof node.value === "string") {
        const substituted = substituteEnv(node.value, env);
        if (substituted.ok) node.value = substituted.value;
        else for (const message of substituted.errors) substitutionProblems.push({ path: p, message, line });
      } else if (node.value === null && node.comment && /^\S/.test(node.comment) && node.range && source[node.range[0]] === "#") {
        // `channel: #oncall` is an empty value plus a comment; `key:  # note` (space after #) is a real comment.
        commentedOut.set(p, `#${node.comment.split(/\s/)[0] ?? ""}`);
      }
    } else if (isAlias(node)) {
      if (node.resolve(doc) === undefined) {
        aliasProblems.push({ path: p, message: `unknown anchor: *${node.source} (define &${node.source} before using it)`, line });
      }
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyPath = joinKey(p, key);
        const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
        const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
        span(keyPath, keyRange?.[0] ?? valueRange?.[0], valueRange?.[2] ?? keyRange?.[2]);
        visit(pair.value, keyPath, lineOf(pair.key) ?? lineOf(pair.value) ?? line);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const itemPath = `${p}[${i}]`;
        const range = (item as { range?: [number, number, number] } | null)?.range;
        span(itemPath, range?.[0], range?.[2]);
        visit(item, itemPath, lineOf(item) ?? line);
      });
    }
  };
  visit(doc.contents, "", lineOf(doc.contents));

  return {
    lines,
    valueLines,
    commentedOut,
    substitutionProblems,
    aliasProblems,
    pathAt(offset) {
      let best: { path: string; size: number } | null = null;
      for (const s of spans) {
        if (s.start <= offset && offset < Math.max(s.end, s.start + 1) && (best === null || s.end - s.start <= best.size)) {
          best = { path: s.path, size: s.end - s.start };
        }
      }
      return best?.path ?? "";
    },
  };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  // Stable: problems on one line keep discovery order; env problems (no line) go last.
  return [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}


const PHONE_RE = /^\+\d{8,15}$/;
const SLACK_HANDLE_RE = /^[^\s@]+$/;
const URL_FEED_RE = /^(?:https?|webcal):\/\//i;
const OTHER_SCHEME_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const REFRESH = durationField(SCHEDULE, "refresh");
const HEARTBEAT = durationField(INTEGRATION, "heartbeat");
const RATE_LIMIT = integerField(INTEGRATION, "rate_limit");
/** In the order messages list them (config-shape.ts). */
const INTEGRATION_TYPE_NAMES = Object.keys(INTEGRATION_TYPES) as IntegrationType[];
const JSON_PATH_EXPECTATION = "a JSON path like data.alert.name or alerts[0].labels.severity";

// The keys each mapping may have, which are required, enum values and bounds: config-shape.ts.

// ---------------------------------------------------------------------------------------------
// Sections

type ConfigWithoutEnv = Omit<Config, "env">;

function validateRoot(c: Checker, root: unknown, absPath: string, options: ParseConfigOptions, valueLines: ReadonlyMap<string, number>): ConfigWithoutEnv | null {
  const obj = c.object(root, "", keysOf(CONFIG), "a mapping with users:, schedules:, escalation_chains: and integrations:");
  if (obj === null) return null;

  const timezone = c.zone(obj.timezone, "timezone") ?? "UTC";
  const paging = validatePaging(c, obj.paging);
  const notificationRules = validateTeamRules(c, obj.notification_rules, paging);
  // Export tokens -> where they were first used; personal and schedule exports share one URL space.
  const exportTokens = new Map<string, string>();
  const users = validateUsers(c, obj.users, notificationRules, paging, exportTokens);
  const schedules = validateSchedules(c, obj.schedules, timezone, path.dirname(absPath), options, exportTokens);
  const chains = validateChains(c, obj.escalation_chains, { scheduleNames: schedules.names, users: users.lookup, timezone });
  const integrations = validateIntegrations(c, obj.integrations, chains.names, users.lookup, valueLines);
  const access = validateAccess(c, obj.access, users.lookup);
  const storm = validateStorm(c, obj.storm);
  const api = validateApi(c, obj.api, users.lookup);
  return {
    path: absPath,
    timezone,
    users: users.list,
    schedules: schedules.list,
    escalationChains: chains.list,
    integrations,
    notificationRules,
    paging,
    storm,
    access,
    api,
  };
}

/** An `export_token`: a URL-safe secret, unique across every export of the file. */
function exportToken(c: Checker, v: unknown, p: string, owner: string, tokens: Map<string, string>): string | null {
  const token = c.secret(v, p, false, "${ALICE_ICS_TOKEN}", "the calendar export URL");
  if (token === null) return null;
  const other = tokens.get(token);
  if (other !== undefined) {
    c.report(p, `the same export token is used by ${other}; each calendar export needs its own token`);
    return null;
  }
  tokens.set(token, owner);
  return token;
}

function validateUsers(
  c: Checker,
  v: unknown,
  teamRules: NotificationRules,
  paging: PagingLimits,
  exportTokens: Map<string, string>,
): { list: UserConfig[]; lookup: UserLookup } {
  const lookup: UserLookup = { byIdentifier: new Map(), identifiers: [] };
  const list: UserConfig[] = [];
  const items = c.list(v, "users", isRequired(CONFIG, "users"), "a list of users like [{email: alice@example.com, name: Alice}] (it may be empty: users: [])");
  // Lower-cased identifier -> the user who has it, to catch clashes across users.
  const owners = new Map<string, { index: number; email: string }>();

  (items ?? []).forEach((item, i) => {
    const p = `users[${i}]`;
    const obj = c.object(item, p, keysOf(USER), "a user like {email: alice@example.com, name: Alice Example}");
    if (obj === null) return;

    let email = c.pattern(obj.email, `${p}.email`, isRequired(USER, "email"), EMAIL_RE, "an email address like alice@example.com");
    if (email !== null) {
      email = email.toLowerCase();
      const owner = owners.get(email);
      if (owner !== undefined) {
        c.report(
          `${p}.email`,
          owner.email === email
            ? `duplicate user email ${email} (also users[${owner.index}]); emails are compared case-insensitively`
            : `${email} is already an alias of users[${owner.index}] (${owner.email})`,
        );
        email = null;
      }
    }
    const name = c.text(obj.name, `${p}.name`, isRequired(USER, "name"), "the person's name like Alice Example");
    const aliases = stringList(c, obj.aliases, `${p}.aliases`, "a list of aliases like [ali, alice.e]");
    const phone = validatePhone(c, obj.phone, `${p}.phone`);
    const slackId = c.pattern(obj.slack_id, `${p}.slack_id`, isRequired(USER, "slack_id"), SLACK_ID_RE, "a Slack member id like U012AB3CD");
    const handle = c.text(obj.slack_handle, `${p}.slack_handle`, isRequired(USER, "slack_handle"), "a Slack handle like alice");
    let slackHandle = handle === null ? null : handle.replace(/^@/, "");
    if (slackHandle !== null && !SLACK_HANDLE_RE.test(slackHandle)) {
      c.report(`${p}.slack_handle`, `expected a Slack handle like alice, found ${describe(handle)}`);
      slackHandle = null;
    }
    // Only a phone left out makes sms/call steps a problem; a bad one is already reported.
    const who = email ?? (typeof obj.email === "string" && obj.email.trim() !== "" ? obj.email.trim() : p);
    const notificationRules = validateUserRules(c, obj.notification_rules, `${p}.notification_rules`, teamRules, isEmpty(obj.phone) ? who : null, paging);
    const token = exportToken(c, obj.export_token, `${p}.export_token`, p, exportTokens);
    const timezone = c.zone(obj.timezone, `${p}.timezone`);
    // Registered even when the name is bad, so references to this user don't add follow-up problems.
    const identifiers: [string, string][] = aliases.map((a, j): [string, string] => [a, `${p}.aliases[${j}]`]);
    if (name !== null) identifiers.unshift([name, `${p}.name`]);
    if (email !== null) identifiers.unshift([email, `${p}.email`]);
    for (const [identifier, idPath] of identifiers) {
      const key = identifier.toLowerCase();
      const owner = owners.get(key);
      if (owner !== undefined && owner.index !== i) {
        c.report(idPath, `"${identifier}" already identifies users[${owner.index}] (${owner.email}); names and aliases must be unique across users`);
        continue;
      }
      if (email === null) continue;
      owners.set(key, { index: i, email });
      lookup.byIdentifier.set(key, email);
      lookup.identifiers.push(identifier);
    }
    if (email === null || name === null) return;
    list.push({ email, name, aliases, phone, slackId, slackHandle, notificationRules, exportToken: token, ...(timezone ? { timezone } : {}) });
  });
  return { list, lookup };
}

function validatePhone(c: Checker, v: unknown, p: string): string | null {
  if (typeof v === "number") {
    c.report(p, `phone numbers must be quoted, like phone: "+4915112345678" (unquoted, YAML reads it as the number ${v} and drops the +)`);
    return null;
  }
  const s = c.text(v, p, false, 'a phone number in E.164 form like "+4915112345678"');
  if (s === null) return null;
  // People paste numbers with spaces and dashes; the stored form is plain E.164.
  const normalized = s.replace(/[\s().-]/g, "");
  if (!PHONE_RE.test(normalized)) {
    c.report(p, `expected a phone number in E.164 form like "+4915112345678" (a + and 8 to 15 digits), found ${describe(s)}`);
    return null;
  }
  return normalized;
}

/** A list of non-empty strings (a single string is accepted as a one-item list). */
function stringList(c: Checker, v: unknown, p: string, expectation: string): string[] {
  if (typeof v === "string") {
    const s = c.text(v, p, true, expectation);
    return s === null ? [] : [s];
  }
  const items = c.list(v, p, false, expectation) ?? [];
  const out: string[] = [];
  items.forEach((item, i) => {
    const s = c.text(item, `${p}[${i}]`, true, "a non-empty text");
    if (s !== null) out.push(s);
  });
  return out;
}

function validateSchedules(
  c: Checker,
  v: unknown,
  defaultZone: string,
  configDir: string,
  options: ParseConfigOptions,
  exportTokens: Map<string, string>,
): { list: ScheduleConfig[]; names: Set<string> } {
  const list: ScheduleConfig[] = [];
  const names = new Set<string>();
  const seen = new Map<string, string>();
  // Lower-cased user group handle -> the schedule that keeps it.
  const groups = new Map<string, string>();
  const items = c.list(v, "schedules", isRequired(CONFIG, "schedules"), "a list of schedules like [{name: primary, feed: ./oncall.ics}]") ?? [];

  items.forEach((item, i) => {
    const p = `schedules[${i}]`;
    const obj = c.object(item, p, keysOf(SCHEDULE), "a schedule like {name: primary, feed: ./oncall.ics}");
    if (obj === null) return;
    // References count even when the name itself is bad, so one mistake is reported once.
    if (typeof obj.name === "string") names.add(obj.name.trim());
    const name = c.name(obj.name, `${p}.name`, "schedule", seen);
    const feed = validateFeed(c, obj.feed, `${p}.feed`, isRequired(SCHEDULE, "feed"), configDir, options);
    const overridesFeed = validateFeed(c, obj.overrides_feed, `${p}.overrides_feed`, isRequired(SCHEDULE, "overrides_feed"), configDir, options);
    const timezone = c.zone(obj.timezone, `${p}.timezone`) ?? defaultZone;
    const channel = c.channel(obj.channel, `${p}.channel`);
    let refreshSeconds = c.duration(obj.refresh, `${p}.refresh`, isRequired(SCHEDULE, "refresh")) ?? defaultOf(REFRESH);
    if (refreshSeconds < REFRESH.min) {
      c.report(`${p}.refresh`, `refresh must be at least ${formatDuration(REFRESH.min)} (calendar providers throttle faster polling)`);
      refreshSeconds = REFRESH.min;
    }
    const token = exportToken(c, obj.export_token, `${p}.export_token`, p, exportTokens);
    let userGroup = validateUserGroup(c, obj.user_group, `${p}.user_group`, false);
    if (userGroup !== null) {
      const other = groups.get(userGroup.toLowerCase());
      if (other !== undefined) {
        c.report(`${p}.user_group`, `the user group @${userGroup} is already kept by ${other}; a user group can follow only one schedule`);
        userGroup = null;
      } else groups.set(userGroup.toLowerCase(), p);
    }
    // A channel that is present but bad is reported once, not again as "announce without a channel".
    const hasChannel = !isEmpty(obj.channel);
    const announce = c.bool(obj.announce, `${p}.announce`, hasChannel);
    if (announce && !hasChannel) {
      c.report(`${p}.announce`, 'announce needs a channel to post in; add channel: "#oncall" to the schedule (or leave announce out)');
    }
    // On wherever the check has a channel to go to: night shifts are reported with the schedule's other warnings.
    const nightWarnings = c.bool(obj.night_warnings, `${p}.night_warnings`, hasChannel);
    if (nightWarnings && !hasChannel) {
      c.report(`${p}.night_warnings`, 'night_warnings are posted in the schedule\'s channel; add channel: "#oncall" to the schedule (or set night_warnings: false)');
    }
    const reminders = validateReminders(c, obj.reminders, `${p}.reminders`);
    const handoff = validateHandoff(c, obj.handoff, `${p}.handoff`, hasChannel);
    if (name === null || feed === null) return;
    list.push({ name, timezone, feed, overridesFeed, channel, refreshSeconds, exportToken: token, userGroup, announce, reminders, handoff, ...(nightWarnings ? { nightWarnings } : {}) });
  });
  return { list, names };
}

function validateFeed(
  c: Checker,
  v: unknown,
  p: string,
  required: boolean,
  configDir: string,
  options: ParseConfigOptions,
): string | null {
  const s = c.text(v, p, required, FEED_EXPECTATION);
  if (s === null) return null;
  if (URL_FEED_RE.test(s)) {
    let url: URL | null = null;
    try {
      url = new URL(s);
    } catch {
      url = null;
    }
    if (url === null || url.hostname === "") {
      c.report(p, `expected ${FEED_EXPECTATION}, found the malformed URL ${describe(s)}`);
      return null;
    }
    return s;
  }
  let local: string;
  if (/^file:\/\//i.test(s)) {
    try {
      local = fileURLToPath(s);
    } catch {
      c.report(p, `expected ${FEED_EXPECTATION}, found the malformed file URL ${describe(s)}`);
      return null;
    }
  } else if (OTHER_SCHEME_RE.test(s)) {
    c.report(p, `unsupported URL scheme in ${describe(s)}; expected ${FEED_EXPECTATION}`);
    return null;
  } else {
    local = path.resolve(configDir, s);
  }
  // A feed file that is missing now is a feed that cannot be read, not a broken configuration: like a
  // URL that answers 500, each refresh tries it again and the schedule keeps the last copy read.
  if (options.fileExists && !options.fileExists(local)) c.warn(p, missingFeedFileText(local));
  return local;
}

function validateIntegrations(c: Checker, v: unknown, chainNames: Set<string>, users: UserLookup, valueLines: ReadonlyMap<string, number>): IntegrationConfig[] {
  const list: IntegrationConfig[] = [];
  const seen = new Map<string, string>();
  const tokens = new Map<string, number>();
  const items = c.list(v, "integrations", isRequired(CONFIG, "integrations"), "a list of integrations like [{name: prod, type: alertmanager, token: ...}]") ?? [];

  const chainRef = (value: unknown, p: string): string | null => {
    const chain = c.text(value, p, false, "the name of an escalation chain like default");
    if (chain === null) return null;
    if (!chainNames.has(chain)) {
      c.report(p, missingReference("escalation chain", chain, [...chainNames]));
      return null;
    }
    return chain;
  };

  items.forEach((item, i) => {
    const p = `integrations[${i}]`;
    const obj = c.object(item, p, keysOf(INTEGRATION), "an integration like {name: prod, type: alertmanager, token: ${AM_TOKEN}}");
    if (obj === null) return;
    const name = c.name(obj.name, `${p}.name`, "integration", seen);
    const type = validateIntegrationType(c, obj.type, `${p}.type`);
    const token = validateToken(c, obj.token, `${p}.token`, i, tokens);
    const tokenOk = token !== null || isEmpty(obj.token) || (typeof obj.token === "string" && obj.token.trim() === "");
    const chain = chainRef(obj.chain, `${p}.chain`);
    const channel = c.channel(obj.channel, `${p}.channel`);
    const postToSlack = c.bool(obj.post_to_slack, `${p}.post_to_slack`, true);
    const responders = isEmpty(obj.responders) ? null : validatePeople(c, obj.responders, `${p}.responders`, users);
    const outgoingWebhooks = validateOutgoingWebhooks(c, obj.outgoing_webhooks, `${p}.outgoing_webhooks`);

    const routes: RouteConfig[] = [];
    const routeItems = c.list(obj.routes, `${p}.routes`, isRequired(INTEGRATION, "routes"), "a list of routes like [{matchers: ['severity=\"critical\"'], chain: important}]") ?? [];
    routeItems.forEach((routeItem, j) => {
      const rp = `${p}.routes[${j}]`;
      const route = c.object(routeItem, rp, keysOf(ROUTE), `a route like {matchers: ['severity="critical"'], chain: important}`);
      if (route === null) return;
      const matchers = validateMatchers(c, route.matchers, `${rp}.matchers`);
      const routeChain = chainRef(route.chain, `${rp}.chain`);
      const routeChannel = c.channel(route.channel, `${rp}.channel`);
      const routePost = c.bool(route.post_to_slack, `${rp}.post_to_slack`, postToSlack);
      const routeResponders = isEmpty(route.responders) ? null : validatePeople(c, route.responders, `${rp}.responders`, users);
      // A route's hooks add to the integration's (both are told), unlike chain and channel.
      const routeHooks = validateOutgoingWebhooks(c, route.outgoing_webhooks, `${rp}.outgoing_webhooks`);
      // The integration's own chain/channel/post_to_slack/responders fill in what a route leaves out.
      routes.push({ matchers, chain: routeChain ?? chain, channel: routeChannel ?? channel, postToSlack: routePost, responders: routeResponders ?? responders, outgoingWebhooks: routeHooks });
    });

    let mapping: WebhookMappingConfig | null = null;
    if (!isEmpty(obj.mapping)) {
      if (type !== null && type !== "webhook") {
        const hint = type === "formatted_webhook" ? " (type: webhook reads the same fields by default and takes a mapping)" : "";
        c.report(`${p}.mapping`, `mapping applies only to type: webhook integrations; ${type} payloads have a fixed format${hint}`);
      } else mapping = validateMapping(c, obj.mapping, `${p}.mapping`);
    }
    const heartbeatSeconds = isEmpty(obj.heartbeat) ? null : c.boundedDuration(obj.heartbeat, `${p}.heartbeat`, true, "heartbeat", HEARTBEAT.min);
    const rateLimitPerMinute = c.integer(obj.rate_limit, `${p}.rate_limit`, { min: RATE_LIMIT.min, example: defaultOf(RATE_LIMIT), what: "alerts per minute" }, RATE_LIMIT.default);
    const templates = validateTemplates(c, obj.templates, `${p}.templates`, valueLines);

    if (name === null || type === null || !tokenOk || rateLimitPerMinute === null || templates === null) return;
    list.push({ name, type, token, routes, chain, channel, postToSlack, mapping, heartbeatSeconds, rateLimitPerMinute, responders, outgoingWebhooks, ...(Object.keys(templates).length > 0 ? { templates } : {}) });
  });
  return list;
}

function validateIntegrationType(c: Checker, v: unknown, p: string): IntegrationType | null {
  const expectation = `one of ${INTEGRATION_TYPE_NAMES.join(", ")}`;
  const s = c.text(v, p, isRequired(INTEGRATION, "type"), expectation);
  if (s === null) return null;
  const type = INTEGRATION_TYPE_NAMES.find((t) => t === s);
  if (type === undefined) {
    const suggestion = suggest(s, INTEGRATION_TYPE_NAMES);
    c.report(p, `unknown integration type ${describe(s)}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; expected ${expectation}`);
    return null;
  }
  return type;
}

/**
 * An integration's token, or null when it is left out or empty (then calpage generates one at
 * start, see resolve-integration-tokens.ts); an invalid one is reported and also gives null.
 */
function validateToken(c: Checker, v: unknown, p: string, index: number, tokens: Map<string, number>): string | null {
  // Token values are secrets: messages never repeat them.
  const s = c.secret(v, p, isRequired(INTEGRATION, "token"), "${AM_TOKEN}", "the webhook URL");
  if (s === null) return null;
  const other = tokens.get(s);
  if (other !== undefined) {
    c.report(p, `the same token is used by integrations[${other}]; each integration needs its own token`);
    return null;
  }
  tokens.set(s, index);
  return s;
}

/** Where a webhook integration finds title, message, grouping key, severity and "resolved" in its JSON. */
function validateMapping(c: Checker, v: unknown, p: string): WebhookMappingConfig | null {
  const obj = c.object(v, p, keysOf(MAPPING), "a mapping of fields to JSON paths like {title: data.name, grouping_key: data.id}");
  if (obj === null) return null;
  const mapping: WebhookMappingConfig = {};
  let good = true;
  const jsonPath = (value: unknown, key: string, required: boolean): string | null => {
    const s = c.text(value, key, required, JSON_PATH_EXPECTATION);
    if (s === null) {
      if (required || !isEmpty(value)) good = false;
      return null;
    }
    if (parseJsonPath(s) === null) {
      c.report(key, `expected ${JSON_PATH_EXPECTATION}, found ${describe(s)}`);
      good = false;
      return null;
    }
    return s;
  };
  const title = jsonPath(obj.title, `${p}.title`, isRequired(MAPPING, "title"));
  const message = jsonPath(obj.message, `${p}.message`, isRequired(MAPPING, "message"));
  const groupingKey = jsonPath(obj.grouping_key, `${p}.grouping_key`, isRequired(MAPPING, "grouping_key"));
  const severity = jsonPath(obj.severity, `${p}.severity`, isRequired(MAPPING, "severity"));
  if (title !== null) mapping.title = title;
  if (message !== null) mapping.message = message;
  if (groupingKey !== null) mapping.groupingKey = groupingKey;
  if (severity !== null) mapping.severity = severity;
  if (!isEmpty(obj.resolve_when)) {
    const rp = `${p}.resolve_when`;
    const when = c.object(obj.resolve_when, rp, keysOf(RESOLVE_WHEN), "a condition like {path: data.state, equals: resolved}");
    if (when === null) good = false;
    else {
      const whenPath = jsonPath(when.path, `${rp}.path`, isRequired(RESOLVE_WHEN, "path"));
      // A YAML number or boolean means its text: the payload's value is compared as text.
      const equalsValue = typeof when.equals === "number" || typeof when.equals === "boolean" ? String(when.equals) : when.equals;
      const equals = c.text(equalsValue, `${rp}.equals`, isRequired(RESOLVE_WHEN, "equals"), "the value that means resolved, like resolved or ok");
      if (whenPath !== null && equals !== null) mapping.resolveWhen = { path: whenPath, equals };
      else good = false;
    }
  }
  return good ? mapping : null;
}

function validateMatchers(c: Checker, v: unknown, p: string): Matcher[] {
  const entries: { text: unknown; path: string }[] =
    typeof v === "string" ? [{ text: v, path: p }] : (c.list(v, p, false, `a list of matchers like ['severity="critical"', 'team=~"db|infra"']`) ?? []).map((text, k) => ({ text, path: `${p}[${k}]` }));
  const matchers: Matcher[] = [];
  for (const entry of entries) {
    if (typeof entry.text !== "string") {
      c.report(entry.path, `expected a matcher like 'severity="critical"' (quote the whole matcher), found ${describe(entry.text)}`);
      continue;
    }
    // Like Alertmanager, each entry may itself hold several comma-separated matchers.
    const parsed = parseMatcherList(entry.text);
    if (parsed.ok) matchers.push(...parsed.value);
    else for (const error of parsed.errors) c.report(entry.path, error);
  }
  return matchers;
}

/** Reminders before a shift when a schedule does not say: a day and an hour before. */
export const DEFAULT_REMINDERS = [86_400, 3_600];
const REMINDER_MIN = 60;
const REMINDER_MAX = 14 * 86_400;

/** `reminders: [1d, 1h]` (or one duration), `off` / `false`; left out = a day and an hour before. Longest first, no repeats. */
function validateReminders(c: Checker, v: unknown, p: string): number[] {
  if (isEmpty(v)) return DEFAULT_REMINDERS;
  if (v === "off" || v === false) return [];
  const items = Array.isArray(v) ? v : [v];
  const out: number[] = [];
  items.forEach((item, i) => {
    const seconds = c.boundedDuration(item, Array.isArray(v) ? `${p}[${i}]` : p, true, "a reminder", REMINDER_MIN, REMINDER_MAX);
    if (seconds !== null && !out.includes(seconds)) out.push(seconds);
  });
  return out.sort((a, b) => b - a);
}

/** `handoff: dm | channel | off` (default dm); channel needs the schedule's channel. */
function validateHandoff(c: Checker, v: unknown, p: string, hasChannel: boolean): ScheduleConfig["handoff"] {
  const s = c.text(v, p, false, "dm, channel or off");
  if (s === null) return "dm";
  if (s !== "dm" && s !== "channel" && s !== "off") {
    c.report(p, `expected dm, channel or off, found "${s}"`);
    return "dm";
  }
  if (s === "channel" && !hasChannel) c.report(p, 'handoff: channel needs a channel to post in; add channel: "#oncall" to the schedule (or use handoff: dm)');
  return s;
}

/** The warning for a local feed file that is not there (or is not a file): what calpage does about it. */
export function missingFeedFileText(local: string): string {
  return `no file at ${local}; calpage tries it at every refresh and until then the schedule keeps the last copy it read (unknown if it never read one)`;
}
