import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../config/config-types.js";
import type { ExportService } from "../schedule/export-service.js";
import { safeEqual } from "../shared/ids.js";
import { sendText } from "./send.js";

const SCHEDULE_PATH = /^\/ical\/schedules\/([^/]+)\.ics$/;
const USER_PATH = /^\/ical\/users\/([^/]+)\.ics$/;

/** Every refusal looks the same, so a URL without its token says nothing about what exists. */
function notFound(res: ServerResponse): void {
  sendText(res, 404, "not found\n");
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/**
 * Calendar export routes:
 * - `GET /ical/schedules/<name>.ics?token=…` — the schedule's final schedule (its `export_token`);
 * - `GET /ical/users/<email>.ics?token=…` — one person's shifts across schedules (their `export_token`).
 * A missing or wrong token, or a schedule/user without one, gets the same 404; tokens are compared in constant time.
 */
export function createIcalRoutes(deps: { config: Config; exports: ExportService }) {
  const schedules = new Map(deps.config.schedules.map((s) => [s.name, s]));
  const users = new Map(deps.config.users.map((u) => [u.email.toLowerCase(), u]));

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const s = SCHEDULE_PATH.exec(path);
    const u = s ? null : USER_PATH.exec(path);
    if (!s && !u) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return true;
    }
    const token = new URL(req.url ?? "/", "http://calpage.invalid").searchParams.get("token") ?? "";
    const name = decode((s ?? u)![1]!);
    if (name === null) {
      notFound(res);
      return true;
    }
    let expected: string | null = null;
    if (s) expected = schedules.get(name)?.exportToken ?? null;
    else expected = users.get(name.toLowerCase())?.exportToken ?? null;
    // Compare even when there is nothing to compare against, so timing does not tell the cases apart.
    const matches = safeEqual(token, expected ?? "\u0000no export token\u0000");
    if (expected === null || token === "" || !matches) {
      notFound(res);
      return true;
    }
    const body = s ? await deps.exports.scheduleIcs(name) : await deps.exports.userIcs(name.toLowerCase());
    if (body === null) {
      notFound(res);
      return true;
    }
    const file = `${(s ? name : name.split("@")[0] ?? "calendar").replace(/[^A-Za-z0-9._-]/g, "_")}.ics`;
    res.writeHead(200, {
      "content-type": "text/calendar; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "content-disposition": `inline; filename="${file}"`,
      // The URL is a secret: keep responses out of shared caches.
      "cache-control": "private, max-age=300",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
