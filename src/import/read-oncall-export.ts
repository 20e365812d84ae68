import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ONCALL_ENDPOINTS, type OncallExport } from "./grafana-oncall-types.js";

/**
 * Reads every list the importer needs from Grafana OnCall's public API v1, page by page
 * (`{count, next, previous, results}`), over HTTP or from saved responses.
 */

export class ImportSourceError extends Error {}

/** One page as the API returns it. */
interface Page {
  next: string | null;
  results: unknown[];
}

/** At most this many pages per list (100 000 objects at OnCall's smallest page size of 100… or 50). */
const MAX_PAGES = 2000;

export interface HttpSourceOptions {
  /** The OnCall API URL from OnCall → Settings, with or without `/api/v1`. */
  url: string;
  /** An OnCall API key or a service account token (sent as `Authorization: <token>`). */
  token: string;
  /** Sent as `X-Grafana-URL` (service account tokens need it). */
  grafanaUrl?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Tries per page for network errors, 429 and 5xx; default 4. */
  attempts?: number;
  /** Pause before try n (1-based retry number); default 1 s, 2 s, 4 s…, or the server's Retry-After (at most 30 s). */
  retryDelayMs?: (retry: number, retryAfterSeconds: number | null) => number;
  fetch?: typeof fetch;
}

export interface ReadResult {
  data: OncallExport;
  /** Lists the OnCall did not have (404 on an optional endpoint), for the report. */
  notes: string[];
}

/** The `/api/v1/` base of an OnCall API URL. */
export function apiBase(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ImportSourceError(`--url: expected the OnCall API URL from OnCall → Settings, like https://oncall-prod-eu-west-0.grafana.net/oncall, found "${url}"`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new ImportSourceError(`--url: expected an http(s) URL, found "${url}"`);
  u.search = "";
  u.hash = "";
  const path = u.pathname.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
  u.pathname = `${path}/api/v1/`;
  return u;
}

export async function fetchOncallExport(opts: HttpSourceOptions): Promise<ReadResult> {
  const base = apiBase(opts.url);
  const doFetch = opts.fetch ?? fetch;
  const attempts = opts.attempts ?? 4;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const delay = opts.retryDelayMs ?? ((retry, after) => Math.min(30_000, after !== null ? after * 1000 : 1000 * 2 ** (retry - 1)));
  const headers: Record<string, string> = { authorization: opts.token, accept: "application/json", "user-agent": "calpage-import" };
  if (opts.grafanaUrl) headers["x-grafana-url"] = opts.grafanaUrl;

  const get = async (url: URL, optional: boolean): Promise<Page | null> => {
    let lastError = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let retryAfter: number | null = null;
      try {
        // Redirects are not followed: the key is only sent where --url says.
        const res = await doFetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
        if (res.status >= 300 && res.status < 400) {
          await res.body?.cancel();
          throw new ImportSourceError(`GET ${url.href}: ${res.status} redirect to ${res.headers.get("location") ?? "(no location)"}; give the URL it redirects to as --url`);
        }
        if (res.ok) {
          const text = await res.text();
          return parsePage(text, `GET ${url.href}`);
        }
        await res.body?.cancel();
        if ((res.status === 404 || res.status === 403) && optional) return null;
        if (res.status === 401 || res.status === 403) {
          throw new ImportSourceError(`GET ${url.href}: ${res.status} ${res.statusText}: check --token (an OnCall API key from OnCall → Settings, or a service account token with --grafana-url)`);
        }
        if (res.status !== 429 && res.status < 500) throw new ImportSourceError(`GET ${url.href}: ${res.status} ${res.statusText}`);
        const header = Number(res.headers.get("retry-after"));
        retryAfter = Number.isFinite(header) && header >= 0 ? header : null;
        lastError = `${res.status} ${res.statusText}`;
      } catch (error) {
        if (error instanceof ImportSourceError) throw error;
        lastError = error instanceof Error ? (error.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000}s` : error.message) : String(error);
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, delay(attempt, retryAfter)));
    }
    throw new ImportSourceError(`GET ${url.href}: ${lastError} (tried ${attempts} times)`);
  };

  return collectAll(async (endpoint, optional) => {
    const first = new URL(`${endpoint}/`, base);
    return {
      first: () => get(first, optional),
      next: (page) => {
        // The key goes only to the server it was given for: the link's `/api/v1/…` part is read from
        // --url (OnCall behind a proxy may write its links with another scheme, host or prefix).
        const link = new URL(page.next!, base);
        const at = link.pathname.indexOf("/api/v1/");
        if (at === -1) throw new ImportSourceError(`GET ${first.href}: its next page ${JSON.stringify(page.next)} is not an /api/v1/ URL`);
        return get(new URL(link.pathname.slice(at + "/api/v1/".length) + link.search, base), false) as Promise<Page>;
      },
    };
  });
}

/**
 * Saved responses: `<dir>/<endpoint>.json` is the first page exactly as the API returned it,
 * `<endpoint>-2.json`, `<endpoint>-3.json`… the pages its `next` links lead to.
 * `user_groups.json`, `webhooks.json` and `personal_notification_rules.json` may be missing (read as empty).
 */
export async function readOncallDir(dir: string): Promise<ReadResult> {
  return collectAll(async (endpoint, optional) => {
    const file = (n: number) => join(dir, n === 1 ? `${endpoint}.json` : `${endpoint}-${n}.json`);
    let n = 1;
    const read = (path: string, optionalFile: boolean, why: string): Page | null => {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          if (optionalFile) return null;
          throw new ImportSourceError(`${path}: file not found${why}`);
        }
        throw new ImportSourceError(`${path}: cannot read it: ${(error as Error).message}`);
      }
      return parsePage(text, path);
    };
    return {
      first: async () => read(file(1), optional, ` (save GET /api/v1/${endpoint}/ there)`),
      next: async () => {
        n++;
        return read(file(n), false, ` (${n === 2 ? `${endpoint}.json` : `${endpoint}-${n - 1}.json`} has a next page; save it there)`)!;
      },
    };
  });
}

type Pager = (endpoint: string, optional: boolean) => Promise<{ first(): Promise<Page | null>; next(page: Page): Promise<Page> }>;

async function collectAll(pager: Pager): Promise<ReadResult> {
  const data = {} as Record<keyof OncallExport, unknown[]>;
  const notes: string[] = [];
  for (const { key, endpoint, optional } of ONCALL_ENDPOINTS) {
    const p = await pager(endpoint, optional);
    let page = await p.first();
    if (page === null) {
      notes.push(`/api/v1/${endpoint}/ could not be read (an older Grafana OnCall, or a key that may not read it): read as empty`);
      data[key] = [];
      continue;
    }
    const results = [...page.results];
    let pages = 1;
    while (page.next) {
      if (++pages > MAX_PAGES) throw new ImportSourceError(`/api/v1/${endpoint}/: more than ${MAX_PAGES} pages; stopped`);
      page = await p.next(page);
      results.push(...page.results);
    }
    data[key] = results;
  }
  return { data: data as unknown as OncallExport, notes };
}

/** A page `{next, results: [...]}`; `where` names the file or request in errors (with the line for bad JSON). */
function parsePage(text: string, where: string): Page {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    const line = pos ? text.slice(0, Number(pos[1])).split("\n").length : null;
    throw new ImportSourceError(`${where}${line !== null ? `:${line}` : ""}: invalid JSON: ${message}`);
  }
  const v = value as { results?: unknown; next?: unknown } | null;
  if (typeof v !== "object" || v === null || !Array.isArray(v.results)) {
    throw new ImportSourceError(`${where}: expected a page of the OnCall API like {"count": 1, "next": null, "results": [...]}`);
  }
  if (v.next !== undefined && v.next !== null && typeof v.next !== "string") throw new ImportSourceError(`${where}: "next" must be a URL or null`);
  const bad = v.results.findIndex((r) => typeof r !== "object" || r === null || typeof (r as { id?: unknown }).id !== "string");
  if (bad !== -1) throw new ImportSourceError(`${where}: results[${bad}] is not an object with a string "id"`);
  return { next: (v.next as string | null | undefined) ?? null, results: v.results };
}
