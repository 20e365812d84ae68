import path from "node:path";
import { fileURLToPath } from "node:url";
import { IANAZone } from "luxon";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { parseDuration } from "../shared/duration.js";
import { fail, ok, type Result } from "../shared/result.js";
import type {
  Config,
  ConfigProblem,
  EscalationChainConfig,
  EscalationStep,
  IntegrationConfig,
  IntegrationType,
  Matcher,
  RouteConfig,
  ScheduleConfig,
  UserConfig,
} from "./config-types.js";
import { parseMatcherList } from "./parse-matcher.js";
import { substituteEnv } from "./substitute-env.js";

export interface ParseConfigOptions {
  /**
   * Called with the absolute path of every local feed file; `false` reports `file not found`.
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
  const config = validateRoot(c, root ?? {}, absPath, options);
  const envConfig = validateEnv(c, env);
  if (c.problems.length > 0 || config === null) return fail(...sortProblems(c.problems));
  return ok({ ...config, env: envConfig });
}

// ---------------------------------------------------------------------------------------------
// Document index: lines per path, env substitution, source spans for syntax errors.

interface DocumentIndex {
  lines: Map<string, number>;
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

function joinKey(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

function parentPath(p: string): string {
  const m = /^(.*)(\[\d+\]|\.[^.[\]]*)$/s.exec(p);
  return m ? m[1]! : "";
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  // Stable: problems on one line keep discovery order; env problems (no line) go last.
  return [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

// ---------------------------------------------------------------------------------------------
// Checker: problem collection and small typed readers over the plain JS tree.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown): v is null | undefined => v === null || v === undefined;

class Checker {
  readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly lines: ReadonlyMap<string, number>,
    private readonly commentedOut: ReadonlyMap<string, string>,
    /** Values whose ${VAR} substitution failed: already reported, so their validation would only repeat it. */
    private readonly unsubstituted: ReadonlySet<string>,
  ) {}

  lineOf(p: string): number | null {
    for (let cur = p; ; cur = parentPath(cur)) {
      const line = this.lines.get(cur);
      if (line !== undefined) return line;
      if (cur === "") return null;
    }
  }

  report(p: string, message: string, always = false): void {
    if (this.unsubstituted.has(p) && !always) return;
    this.problems.push({ path: p, message, line: p.startsWith("env.") ? null : this.lineOf(p) });
  }

  /** Reports a missing (or empty) required value; notices a value YAML swallowed as a comment. */
  missing(p: string, expectation: string): void {
    const comment = this.commentedOut.get(p);
    if (comment !== undefined) this.report(p, `"${comment}" was read as a YAML comment; quote it: "${comment}"`);
    else this.report(p, `missing; expected ${expectation}`);
  }

  /** A mapping; reports keys outside `keys` (with a did-you-mean). */
  object(v: unknown, p: string, keys: readonly string[], expectation: string): Obj | null {
    if (!isObj(v)) {
      if (isEmpty(v)) this.missing(p, expectation);
      else this.report(p, `expected ${expectation}, found ${describe(v)}`);
      return null;
    }
    for (const key of Object.keys(v)) {
      if (!keys.includes(key)) this.report(joinKey(p, key), unknownKeyMessage(key, keys), true);
    }
    return v;
  }

  /** A list; absent/null gives [] unless required. */
  list(v: unknown, p: string, required: boolean, expectation: string): unknown[] | null {
    if (Array.isArray(v)) return v;
    if (isEmpty(v)) {
      if (!required) return [];
      this.missing(p, expectation);
      return null;
    }
    this.report(p, `expected ${expectation}, found ${describe(v)}`);
    return null;
  }

  /** A non-empty (trimmed) string; null when absent or bad (bad and required-but-absent are reported). */
  text(v: unknown, p: string, required: boolean, expectation: string): string | null {
    if (isEmpty(v)) {
      if (required) this.missing(p, expectation);
      else if (this.commentedOut.has(p)) this.missing(p, expectation);
      return null;
    }
    if (typeof v !== "string") {
      const hint = typeof v === "number" || typeof v === "boolean" ? ` (quote it if you meant the text "${String(v)}")` : "";
      this.report(p, `expected ${expectation}, found ${describe(v)}${hint}`);
      return null;
    }
    const s = v.trim();
    if (s === "") {
      if (required) this.report(p, `expected ${expectation}, found an empty value`);
      return null;
    }
    return s;
  }

  /** A string matching `re` (or failing with `expectation`). */
  pattern(v: unknown, p: string, required: boolean, re: RegExp, expectation: string): string | null {
    const s = this.text(v, p, required, expectation);
    if (s === null) return null;
    if (!re.test(s)) {
      this.report(p, `expected ${expectation}, found ${describe(s)}`);
      return null;
    }
    return s;
  }

  /** A duration like `5m`, in seconds. */
  duration(v: unknown, p: string, required: boolean): number | null {
    const expectation = "a duration like 5m";
    if (typeof v === "number") {
      this.report(p, `expected ${expectation}, found the number ${v} (add a unit: s, m, h, d or w)`);
      return null;
    }
    const s = this.text(v, p, required, expectation);
    if (s === null) return null;
    const seconds = parseDuration(s);
    if (seconds === null) {
      this.report(p, `expected ${expectation}, found ${describe(s)}`);
      return null;
    }
    return seconds;
  }

  /** A unique name following NAME_RE; `seen` maps names to the path that first used them. */
  name(v: unknown, p: string, kind: string, seen: Map<string, string>): string | null {
    const s = this.pattern(v, p, true, NAME_RE, NAME_EXPECTATION);
    if (s === null) return null;
    const first = seen.get(s);
    if (first !== undefined) {
      this.report(p, `duplicate ${kind} name "${s}" (also ${parentPath(first)}); names must be unique`);
      return null;
    }
    seen.set(s, p);
    return s;
  }

  channel(v: unknown, p: string): string | null {
    return this.pattern(v, p, false, CHANNEL_RE, CHANNEL_EXPECTATION);
  }
}

const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
const NAME_EXPECTATION = "a lower-case name like primary (letters a-z, digits, - and _)";
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+\d{8,15}$/;
const SLACK_ID_RE = /^[UW][A-Z0-9]+$/;
const SLACK_HANDLE_RE = /^[^\s@]+$/;
const CHANNEL_RE = /^(?:[CG][A-Z0-9]{2,}|#[^\s#,A-Z]{1,80})$/;
const CHANNEL_EXPECTATION = 'a Slack channel like "#oncall" (quoted; lower-case) or a channel id like C0123ABCD';
const TOKEN_RE = /^[A-Za-z0-9_-]+$/;
const TOKEN_MIN_LENGTH = 16;
const URL_FEED_RE = /^(?:https?|webcal):\/\//i;
const OTHER_SCHEME_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const FEED_EXPECTATION = "a calendar feed: an https:// or webcal:// URL, or a file path like ./oncall.ics";
const MIN_REFRESH_SECONDS = 30;
const DEFAULT_REFRESH_SECONDS = 300;
const DEFAULT_REPEAT_TIMES = 3;
const STEP_TYPES = ["wait", "notify_schedule", "notify_users", "repeat"] as const;
type StepType = (typeof STEP_TYPES)[number];
const INTEGRATION_TYPES: readonly IntegrationType[] = ["alertmanager", "grafana_alerting", "webhook"];

const ROOT_KEYS = ["timezone", "users", "schedules", "escalation_chains", "integrations"];
const USER_KEYS = ["email", "name", "aliases", "phone", "slack_id", "slack_handle"];
const SCHEDULE_KEYS = ["name", "feed", "overrides_feed", "timezone", "channel", "refresh"];
const CHAIN_KEYS = ["name", "steps"];
const INTEGRATION_KEYS = ["name", "type", "token", "chain", "channel", "routes"];
const ROUTE_KEYS = ["matchers", "chain", "channel"];

// ---------------------------------------------------------------------------------------------
// Sections

type ConfigWithoutEnv = Omit<Config, "env">;

function validateRoot(c: Checker, root: unknown, absPath: string, options: ParseConfigOptions): ConfigWithoutEnv | null {
  const obj = c.object(root, "", ROOT_KEYS, "a mapping with users:, schedules:, escalation_chains: and integrations:");
  if (obj === null) return null;

  const timezone = zone(c, obj.timezone, "timezone") ?? "UTC";
  const users = validateUsers(c, obj.users);
  const schedules = validateSchedules(c, obj.schedules, timezone, path.dirname(absPath), options);
  const chains = validateChains(c, obj.escalation_chains, schedules.names, users.lookup);
  const integrations = validateIntegrations(c, obj.integrations, chains.names);
  return {
    path: absPath,
    timezone,
    users: users.list,
    schedules: schedules.list,
    escalationChains: chains.list,
    integrations,
  };
}

function zone(c: Checker, v: unknown, p: string): string | null {
  const s = c.text(v, p, false, "an IANA time zone like Europe/Berlin");
  if (s === null) return null;
  if (!IANAZone.isValidZone(s)) {
    c.report(p, `unknown time zone ${describe(s)}; expected an IANA time zone like Europe/Berlin or America/New_York`);
    return null;
  }
  return s;
}

interface UserLookup {
  /** Lower-cased email, name or alias -> the user's email. */
  byIdentifier: Map<string, string>;
  /** Every email, name and alias as written, for did-you-mean hints. */
  identifiers: string[];
}

function validateUsers(c: Checker, v: unknown): { list: UserConfig[]; lookup: UserLookup } {
  const lookup: UserLookup = { byIdentifier: new Map(), identifiers: [] };
  const list: UserConfig[] = [];
  const items = c.list(v, "users", true, "a list of users like [{email: alice@example.com, name: Alice}] (it may be empty: users: [])");
  // Lower-cased identifier -> the user who has it, to catch clashes across users.
  const owners = new Map<string, { index: number; email: string }>();

  (items ?? []).forEach((item, i) => {
    const p = `users[${i}]`;
    const obj = c.object(item, p, USER_KEYS, "a user like {email: alice@example.com, name: Alice Example}");
    if (obj === null) return;

    let email = c.pattern(obj.email, `${p}.email`, true, EMAIL_RE, "an email address like alice@example.com");
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
    const name = c.text(obj.name, `${p}.name`, true, "the person's name like Alice Example");
    const aliases = stringList(c, obj.aliases, `${p}.aliases`, "a list of aliases like [ali, alice.e]");
    const phone = validatePhone(c, obj.phone, `${p}.phone`);
    const slackId = c.pattern(obj.slack_id, `${p}.slack_id`, false, SLACK_ID_RE, "a Slack member id like U012AB3CD");
    const handle = c.text(obj.slack_handle, `${p}.slack_handle`, false, "a Slack handle like alice");
    let slackHandle = handle === null ? null : handle.replace(/^@/, "");
    if (slackHandle !== null && !SLACK_HANDLE_RE.test(slackHandle)) {
      c.report(`${p}.slack_handle`, `expected a Slack handle like alice, found ${describe(handle)}`);
      slackHandle = null;
    }
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
    list.push({ email, name, aliases, phone, slackId, slackHandle });
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
): { list: ScheduleConfig[]; names: Set<string> } {
  const list: ScheduleConfig[] = [];
  const names = new Set<string>();
  const seen = new Map<string, string>();
  const items = c.list(v, "schedules", false, "a list of schedules like [{name: primary, feed: ./oncall.ics}]") ?? [];

  items.forEach((item, i) => {
    const p = `schedules[${i}]`;
    const obj = c.object(item, p, SCHEDULE_KEYS, "a schedule like {name: primary, feed: ./oncall.ics}");
    if (obj === null) return;
    // References count even when the name itself is bad, so one mistake is reported once.
    if (typeof obj.name === "string") names.add(obj.name.trim());
    const name = c.name(obj.name, `${p}.name`, "schedule", seen);
    const feed = validateFeed(c, obj.feed, `${p}.feed`, true, configDir, options);
    const overridesFeed = validateFeed(c, obj.overrides_feed, `${p}.overrides_feed`, false, configDir, options);
    const timezone = zone(c, obj.timezone, `${p}.timezone`) ?? defaultZone;
    const channel = c.channel(obj.channel, `${p}.channel`);
    let refreshSeconds = c.duration(obj.refresh, `${p}.refresh`, false) ?? DEFAULT_REFRESH_SECONDS;
    if (refreshSeconds < MIN_REFRESH_SECONDS) {
      c.report(`${p}.refresh`, `refresh must be at least 30s (calendar providers throttle faster polling)`);
      refreshSeconds = MIN_REFRESH_SECONDS;
    }
    if (name === null || feed === null) return;
    list.push({ name, timezone, feed, overridesFeed, channel, refreshSeconds });
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
  if (options.fileExists && !options.fileExists(local)) {
    c.report(p, `file not found: ${local}`);
    return null;
  }
  return local;
}

function validateChains(
  c: Checker,
  v: unknown,
  scheduleNames: Set<string>,
  users: UserLookup,
): { list: EscalationChainConfig[]; names: Set<string> } {
  const list: EscalationChainConfig[] = [];
  const names = new Set<string>();
  const seen = new Map<string, string>();
  const items = c.list(v, "escalation_chains", false, "a list of escalation chains like [{name: default, steps: [...]}]") ?? [];

  items.forEach((item, i) => {
    const p = `escalation_chains[${i}]`;
    const obj = c.object(item, p, CHAIN_KEYS, "an escalation chain like {name: default, steps: [{notify_schedule: primary}]}");
    if (obj === null) return;
    if (typeof obj.name === "string") names.add(obj.name.trim());
    const name = c.name(obj.name, `${p}.name`, "escalation chain", seen);
    const stepItems = c.list(obj.steps, `${p}.steps`, true, "a list of steps like [{notify_schedule: primary}, {wait: 5m}]");
    if (stepItems !== null && stepItems.length === 0) {
      c.report(`${p}.steps`, "expected at least one step, like - notify_schedule: primary");
    }
    const steps: EscalationStep[] = [];
    let complete = stepItems !== null;
    (stepItems ?? []).forEach((stepItem, j) => {
      const step = validateStep(c, stepItem, `${p}.steps[${j}]`, scheduleNames, users);
      if (step === null) {
        complete = false;
        return;
      }
      if (step.type === "repeat") {
        if (j !== stepItems!.length - 1) {
          c.report(`${p}.steps[${j}].repeat`, "repeat must be the last step (it starts the chain over from the first step)");
        } else if (j === 0) {
          c.report(`${p}.steps[${j}].repeat`, "repeat needs steps before it to repeat");
        }
      }
      steps.push(step);
    });
    if (name === null || !complete) return;
    list.push({ name, steps });
  });
  return { list, names };
}

function validateStep(c: Checker, v: unknown, p: string, scheduleNames: Set<string>, users: UserLookup): EscalationStep | null {
  const allowed = `step types: ${STEP_TYPES.join(", ")}`;
  if (!isObj(v)) {
    if (isEmpty(v)) c.missing(p, `a step like - wait: 5m (${allowed})`);
    else c.report(p, `expected a step like - wait: 5m (${allowed}), found ${describe(v)}`);
    return null;
  }
  const keys = Object.keys(v);
  const types = keys.filter((k): k is StepType => (STEP_TYPES as readonly string[]).includes(k));
  const unknown = keys.filter((k) => k !== "important" && !(STEP_TYPES as readonly string[]).includes(k));
  for (const key of unknown) {
    const suggestion = suggest(key, [...STEP_TYPES, "important"]);
    c.report(joinKey(p, key), `unknown step type "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; expected one of ${STEP_TYPES.join(", ")}`, true);
  }
  if (types.length === 0) {
    if (unknown.length === 0) c.report(p, `a step needs a type; expected one of ${STEP_TYPES.join(", ")}, like - wait: 5m`);
    return null;
  }
  if (types.length > 1) {
    c.report(p, `a step has exactly one type, found ${types.join(" and ")}; put each in its own "- " item (${allowed})`);
    return null;
  }
  if (unknown.length > 0) return null;
  const type = types[0]!;
  const typePath = joinKey(p, type);
  const value = v[type];

  let important = false;
  if ("important" in v) {
    if (type === "wait" || type === "repeat") {
      c.report(joinKey(p, "important"), `important applies only to notify_schedule and notify_users steps, not to ${type}`);
    } else if (typeof v.important === "boolean") {
      important = v.important;
    } else if (!isEmpty(v.important)) {
      c.report(joinKey(p, "important"), `expected true or false, found ${describe(v.important)}`);
    }
  }

  switch (type) {
    case "wait": {
      const seconds = c.duration(value, typePath, true);
      if (seconds === null) return null;
      if (seconds <= 0) {
        c.report(typePath, `wait must be longer than 0s; expected a duration like 5m`);
        return null;
      }
      return { type, seconds };
    }
    case "notify_schedule": {
      const schedule = c.text(value, typePath, true, "the name of a schedule like primary");
      if (schedule === null) return null;
      if (!scheduleNames.has(schedule)) {
        c.report(typePath, missingReference("schedule", schedule, [...scheduleNames]));
        return null;
      }
      return { type, schedule, important };
    }
    case "notify_users": {
      const expectation = "a list of users (email, name or alias) like [alice@example.com, Bob Example]";
      let entries: { text: unknown; path: string }[];
      if (Array.isArray(value)) {
        if (value.length === 0) {
          c.report(typePath, `expected at least one user; expected ${expectation}`);
          return null;
        }
        entries = value.map((text, k) => ({ text, path: `${typePath}[${k}]` }));
      } else if (typeof value === "string" || isEmpty(value)) {
        entries = [{ text: value, path: typePath }];
      } else {
        c.report(typePath, `expected ${expectation}, found ${describe(value)}`);
        return null;
      }
      const emails: string[] = [];
      let good = true;
      for (const entry of entries) {
        const who = c.text(entry.text, entry.path, true, expectation);
        if (who === null) {
          good = false;
          continue;
        }
        const email = users.byIdentifier.get(who.toLowerCase());
        if (email === undefined) {
          const suggestion = suggest(who, users.identifiers);
          const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
          c.report(entry.path, `no user "${who}"${hint}; users are matched by email, name or alias (case-insensitive)`);
          good = false;
          continue;
        }
        if (!emails.includes(email)) emails.push(email);
      }
      return good ? { type, users: emails, important } : null;
    }
    case "repeat": {
      if (isEmpty(value)) return { type, times: DEFAULT_REPEAT_TIMES };
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        c.report(typePath, `expected a whole number of repeats of at least 1 like 2 (empty means ${DEFAULT_REPEAT_TIMES}), found ${describe(value)}`);
        return null;
      }
      return { type, times: value };
    }
  }
}

function validateIntegrations(c: Checker, v: unknown, chainNames: Set<string>): IntegrationConfig[] {
  const list: IntegrationConfig[] = [];
  const seen = new Map<string, string>();
  const tokens = new Map<string, number>();
  const items = c.list(v, "integrations", false, "a list of integrations like [{name: prod, type: alertmanager, token: ...}]") ?? [];

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
    const obj = c.object(item, p, INTEGRATION_KEYS, "an integration like {name: prod, type: alertmanager, token: ${AM_TOKEN}}");
    if (obj === null) return;
    const name = c.name(obj.name, `${p}.name`, "integration", seen);
    const type = validateIntegrationType(c, obj.type, `${p}.type`);
    const token = validateToken(c, obj.token, `${p}.token`, i, tokens);
    const chain = chainRef(obj.chain, `${p}.chain`);
    const channel = c.channel(obj.channel, `${p}.channel`);

    const routes: RouteConfig[] = [];
    const routeItems = c.list(obj.routes, `${p}.routes`, false, "a list of routes like [{matchers: ['severity=\"critical\"'], chain: important}]") ?? [];
    routeItems.forEach((routeItem, j) => {
      const rp = `${p}.routes[${j}]`;
      const route = c.object(routeItem, rp, ROUTE_KEYS, `a route like {matchers: ['severity="critical"'], chain: important}`);
      if (route === null) return;
      const matchers = validateMatchers(c, route.matchers, `${rp}.matchers`);
      const routeChain = chainRef(route.chain, `${rp}.chain`);
      const routeChannel = c.channel(route.channel, `${rp}.channel`);
      // The integration's own chain/channel fill in what a route leaves out.
      routes.push({ matchers, chain: routeChain ?? chain, channel: routeChannel ?? channel });
    });

    if (name === null || type === null || token === null) return;
    list.push({ name, type, token, routes, chain, channel });
  });
  return list;
}

function validateIntegrationType(c: Checker, v: unknown, p: string): IntegrationType | null {
  const expectation = `one of ${INTEGRATION_TYPES.join(", ")}`;
  const s = c.text(v, p, true, expectation);
  if (s === null) return null;
  const type = INTEGRATION_TYPES.find((t) => t === s);
  if (type === undefined) {
    const suggestion = suggest(s, INTEGRATION_TYPES);
    c.report(p, `unknown integration type ${describe(s)}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; expected ${expectation}`);
    return null;
  }
  return type;
}

function validateToken(c: Checker, v: unknown, p: string, index: number, tokens: Map<string, number>): string | null {
  // Token values are secrets: messages never repeat them.
  const example = "a secret like ${AM_TOKEN} (at least 16 characters of A-Z, a-z, 0-9, _ and -)";
  if (typeof v === "number" || typeof v === "boolean") {
    c.report(p, `expected ${example}, found a ${typeof v}; quote it`);
    return null;
  }
  const s = c.text(v, p, true, example);
  if (s === null) return null;
  if (!TOKEN_RE.test(s)) {
    c.report(p, `the token may only contain A-Z, a-z, 0-9, _ and - (it is part of the webhook URL)`);
    return null;
  }
  if (s.length < TOKEN_MIN_LENGTH) {
    c.report(p, `the token is ${s.length} characters long; use at least ${TOKEN_MIN_LENGTH} (e.g. openssl rand -hex 16)`);
    return null;
  }
  const other = tokens.get(s);
  if (other !== undefined) {
    c.report(p, `the same token is used by integrations[${other}]; each integration needs its own token`);
    return null;
  }
  tokens.set(s, index);
  return s;
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

// ---------------------------------------------------------------------------------------------
// Environment

function validateEnv(c: Checker, env: Record<string, string | undefined>): Config["env"] {
  const get = (name: string): string | null => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? null : value;
  };

  let databaseUrl = get("DATABASE_URL");
  if (databaseUrl !== null && !/^postgres(?:ql)?:\/\//.test(databaseUrl)) {
    // The value may hold a password: not repeated in the message.
    c.report("env.DATABASE_URL", "expected a Postgres URL like postgres://user:password@host:5432/calpage (leave it unset to use SQLite)");
    databaseUrl = null;
  }

  const dataDir = get("CALPAGE_DATA_DIR") ?? "./data";
  const sqlitePath = `${dataDir.replace(/\/+$/, "")}/calpage.db`;

  let port = 8080;
  const portText = get("PORT");
  if (portText !== null) {
    const n = /^\d+$/.test(portText) ? Number(portText) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 65535) port = n;
    else c.report("env.PORT", `expected a port number from 1 to 65535, found ${describe(portText)}`);
  }

  const httpUrl = (name: string, example: string): string | null => {
    const value = get(name);
    if (value === null) return null;
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {
      url = null;
    }
    if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
      c.report(`env.${name}`, `expected an http:// or https:// URL like ${example}, found ${describe(value)}`);
      return null;
    }
    return value.replace(/\/+$/, "");
  };
  const publicUrl = httpUrl("PUBLIC_URL", "https://calpage.example.com") ?? `http://localhost:${port}`;
  const apiUrl = httpUrl("SLACK_API_URL", "https://slack.com/api");

  return {
    databaseUrl,
    sqlitePath,
    port,
    publicUrl,
    slack: {
      botToken: get("SLACK_BOT_TOKEN"),
      signingSecret: get("SLACK_SIGNING_SECRET"),
      appToken: get("SLACK_APP_TOKEN"),
      apiUrl,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Messages

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "boolean") return `${v}`;
  if (Array.isArray(v)) return "a list";
  if (isObj(v)) return "a mapping";
  return typeof v;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = suggest(key, allowed);
  return suggestion
    ? `unknown key "${key}" (did you mean "${suggestion}"?)`
    : `unknown key "${key}"; expected one of ${allowed.join(", ")}`;
}

function missingReference(kind: string, name: string, defined: string[]): string {
  const suggestion = suggest(name, defined);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
  const known = defined.length > 0 ? `defined: ${defined.join(", ")}` : `no ${kind}s are defined`;
  return `no ${kind} named "${name}"${hint}; ${known}`;
}

/** The closest candidate by edit distance (transpositions count as one edit), if close enough to be a typo. */
export function suggest(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    // Case differences count a little, so "primray" suggests "primary" before "Primary".
    const d = editDistance(w, candidate.toLowerCase()) + editDistance(word, candidate) / 100;
    if (d <= limit + 0.99 && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment distance.
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}
