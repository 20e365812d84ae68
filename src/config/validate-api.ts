import type { ApiConfig, ApiScope, ApiTokenConfig } from "./config-types.js";
import { describe, isEmpty, suggest, type Checker } from "./config-checker.js";
import type { UserLookup } from "./validate-chains.js";
import { API, API_TOKEN, keysOf } from "./config-shape.js";

const API_KEYS = keysOf(API);
const TOKEN_KEYS = keysOf(API_TOKEN);
const SCOPES: readonly ApiScope[] = ["read", "write"];
/** API tokens are long-lived bearer secrets: longer than integration tokens. */
export const API_TOKEN_MIN_LENGTH = 24;
const TOKEN_EXPECTATION = "an API token like {name: grafana-panel, token: ${API_READ_TOKEN}, scope: read}";

/** The `api:` section (README "API"): bearer tokens with a scope and, for `write`, the person they act as. */
export function validateApi(c: Checker, v: unknown, users: UserLookup): ApiConfig {
  if (isEmpty(v)) return { tokens: [] };
  const obj = c.object(v, "api", API_KEYS, "a mapping like {tokens: [{name: ci, token: ${API_TOKEN}, scope: read}]}");
  if (obj === null) return { tokens: [] };
  const items = c.list(obj.tokens, "api.tokens", false, "a list of API tokens like [{name: ci, token: ${API_TOKEN}, scope: read}]") ?? [];
  const names = new Map<string, string>();
  const secrets = new Map<string, number>();
  const tokens: ApiTokenConfig[] = [];
  items.forEach((item, i) => {
    const p = `api.tokens[${i}]`;
    const t = c.object(item, p, TOKEN_KEYS, TOKEN_EXPECTATION);
    if (t === null) return;
    const name = c.name(t.name, `${p}.name`, "API token", names);
    const token = apiToken(c, t.token, `${p}.token`, i, secrets);
    const scope = validateScope(c, t.scope, `${p}.scope`);
    const as = validateAs(c, t.as, `${p}.as`, scope, users);
    if (name !== null && token !== null && scope !== null && as !== undefined) tokens.push({ name, token, scope, as });
  });
  return { tokens };
}

function apiToken(c: Checker, v: unknown, p: string, index: number, seen: Map<string, number>): string | null {
  // Secrets: messages never repeat them.
  const s = c.secret(v, p, true, "${API_TOKEN}", "the API's Authorization header", API_TOKEN_MIN_LENGTH);
  if (s === null) return null;
  const other = seen.get(s);
  if (other !== undefined) {
    c.report(p, `the same token is used by api.tokens[${other}]; each API token needs its own secret`);
    return null;
  }
  seen.set(s, index);
  return s;
}

function validateScope(c: Checker, v: unknown, p: string): ApiScope | null {
  const s = c.text(v, p, true, "read or write");
  if (s === null) return null;
  const scope = SCOPES.find((x) => x === s);
  if (scope === undefined) {
    const hint = suggest(s, SCOPES);
    c.report(p, `unknown scope ${describe(s)}${hint ? ` (did you mean "${hint}"?)` : ""}; expected read (GET requests only) or write (also acknowledge, resolve and silence)`);
    return null;
  }
  return scope;
}

/** The person a token acts as, by email, name or alias (their email); null when left out; undefined when wrong. */
function validateAs(c: Checker, v: unknown, p: string, scope: ApiScope | null, users: UserLookup): string | null | undefined {
  const expectation = "a user of calpage.yaml (email, name or alias) whose rights the token's actions use";
  if (isEmpty(v)) {
    if (scope !== "write") return null;
    c.missing(p, `${expectation}: a write token acts as that person, so the access rules (responders, max_silence, admins) apply as in Slack`);
    return undefined;
  }
  const s = c.text(v, p, true, expectation);
  if (s === null) return undefined;
  const email = users.byIdentifier.get(s.toLowerCase());
  if (email === undefined) {
    const hint = suggest(s, users.identifiers);
    c.report(p, `${describe(s)} is not a user in calpage.yaml${hint ? ` (did you mean "${hint}"?)` : ""}; expected ${expectation}`);
    return undefined;
  }
  return email;
}
