import { readFile, stat } from "node:fs/promises";

export type FetchResult =
  | { status: "ok"; body: string; etag: string | null; lastModified: string | null }
  | { status: "not_modified" }
  | { status: "error"; message: string };

export interface FetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs?: number;
  maxBytes?: number;
  userAgent?: string;
}

const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Fetches a calendar feed: an https/http/webcal URL (conditional GET with
 * If-None-Match / If-Modified-Since, a timeout and a size cap) or a local file.
 * Anything that is not an iCalendar body (an HTML error page, a truncated
 * download) is an error, so it can never replace the last good copy.
 */
export async function fetchFeed(source: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    let body: string;
    let etag: string | null = null;
    let lastModified: string | null = null;
    if (/^(https?|webcal):\/\//i.test(source)) {
      const url = source.replace(/^webcal:/i, "https:");
      const headers: Record<string, string> = { "user-agent": opts.userAgent ?? "calpage (+https://github.com/calpage)", accept: "text/calendar, */*;q=0.5" };
      if (opts.etag) headers["if-none-match"] = opts.etag;
      if (opts.lastModified) headers["if-modified-since"] = opts.lastModified;
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000), redirect: "follow" });
      if (res.status === 304) return { status: "not_modified" };
      if (!res.ok) return { status: "error", message: `HTTP ${res.status} from the feed` };
      const declared = Number(res.headers.get("content-length") ?? "0");
      if (declared > maxBytes) return { status: "error", message: `feed is larger than ${maxBytes} bytes` };
      body = await readCapped(res, maxBytes);
      etag = res.headers.get("etag");
      lastModified = res.headers.get("last-modified");
    } else {
      const path = source.replace(/^file:\/\//, "");
      const info = await stat(path);
      if (info.size > maxBytes) return { status: "error", message: `feed file is larger than ${maxBytes} bytes` };
      body = await readFile(path, "utf8");
      lastModified = info.mtime.toUTCString();
    }
    const problem = icalendarProblem(body);
    if (problem) return { status: "error", message: problem };
    return { status: "ok", body, etag, lastModified };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const detail = e.name === "TimeoutError" ? "timed out" : (e.cause?.code ?? e.message);
    return { status: "error", message: `could not fetch the feed: ${detail}` };
  }
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new Error(`feed is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Null when the body looks like a complete iCalendar object. */
export function icalendarProblem(body: string): string | null {
  const text = body.replace(/^\uFEFF/, "").trim();
  if (/^<(!doctype|html|\?xml)/i.test(text)) return "the feed returned an HTML/XML page, not a calendar";
  if (!/^BEGIN:VCALENDAR/i.test(text)) return "the feed is not an iCalendar file (no BEGIN:VCALENDAR)";
  if (!/END:VCALENDAR$/i.test(text)) return "the feed is truncated (no END:VCALENDAR)";
  return null;
}
