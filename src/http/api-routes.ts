import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiTokenConfig } from "../config/config-types.js";
import { annotateLogContext } from "../shared/log-context.js";
import { errorText } from "../shared/error-text.js";
import { isDatabaseUnavailable } from "../store/database-unavailable.js";
import { bearerToken, findApiToken } from "./api/api-auth.js";
import { ApiError, badParameter, sendApiError } from "./api/api-error.js";
import { ApiQuery, parseGroupNumber, parseSilenceBody } from "./api/api-params.js";
import { MAX_PAGE_SIZE, type ApiGroupAction, type ApiService } from "./api/api-service.js";
import { OPENAPI_DOCUMENT } from "./api/openapi-document.js";
import { BodyTooLargeError, readBody } from "./read-body.js";
import { sendJson } from "./send.js";

export const API_PREFIX = "/api/v1";
const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;
/** A silence body is a few bytes; nothing an API client sends needs more. */
const MAX_API_BODY_BYTES = 16 * 1024;

export interface ApiRouteDeps {
  tokens: readonly ApiTokenConfig[];
  service: ApiService;
  now: () => number;
  log: (line: string) => void;
}

interface Call {
  req: IncomingMessage;
  url: string;
  token: ApiTokenConfig;
  params: string[];
}

interface Route {
  method: "GET" | "POST";
  path: RegExp;
  scope: "read" | "write";
  handle(c: Call): Promise<unknown> | unknown;
}

const GROUP_ACTIONS: ApiGroupAction[] = ["acknowledge", "resolve", "silence"];

/**
 * The HTTP API under /api/v1 (README "API"): JSON in and out, bearer tokens from `api.tokens`, errors
 * as `{ "error": { code, message, field? } }`. Thin: parses the request, calls the API service, answers.
 */
export function createApiRoutes(deps: ApiRouteDeps) {
  const { service, now } = deps;
  const routes: Route[] = [
    {
      method: "GET",
      path: /^\/oncall$/,
      scope: "read",
      handle: ({ url }) => {
        const q = ApiQuery.parse(url, ["schedule", "at"]);
        return service.oncall({ schedule: q.text("schedule"), at: q.time("at") }, now());
      },
    },
    {
      method: "GET",
      path: /^\/schedules$/,
      scope: "read",
      handle: ({ url }) => {
        ApiQuery.parse(url, []);
        return service.schedules(now());
      },
    },
    {
      method: "GET",
      path: /^\/schedules\/([^/]+)\/shifts$/,
      scope: "read",
      handle: ({ url, params }) => {
        const q = ApiQuery.parse(url, ["from", "to"]);
        return service.shifts(decodePart(params[0]!, "name"), { from: q.time("from"), to: q.time("to") }, now());
      },
    },
    {
      method: "GET",
      path: /^\/alert-groups$/,
      scope: "read",
      handle: ({ url }) => {
        const q = ApiQuery.parse(url, ["state", "integration", "since", "until", "limit", "cursor"]);
        return service.groups({
          state: q.text("state"),
          integration: q.text("integration"),
          since: q.time("since"),
          until: q.time("until"),
          limit: q.integer("limit", 1, MAX_PAGE_SIZE),
          cursor: q.text("cursor"),
        });
      },
    },
    {
      method: "GET",
      path: /^\/alert-groups\/([^/]+)$/,
      scope: "read",
      handle: ({ url, params }) => {
        ApiQuery.parse(url, []);
        return service.group(parseGroupNumber(params[0]!));
      },
    },
    {
      method: "GET",
      path: /^\/alert-groups\/([^/]+)\/log$/,
      scope: "read",
      handle: ({ url, params }) => {
        ApiQuery.parse(url, []);
        return service.log(parseGroupNumber(params[0]!));
      },
    },
    {
      method: "POST",
      path: /^\/alert-groups\/([^/]+)\/(acknowledge|resolve|silence)$/,
      scope: "write",
      handle: async ({ req, url, token, params }) => {
        ApiQuery.parse(url, []);
        const n = parseGroupNumber(params[0]!);
        const action = GROUP_ACTIONS.find((a) => a === params[1])!;
        const body = await readJsonBody(req);
        const t = now();
        if (action !== "silence") {
          if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body) || Object.keys(body).length > 0)) {
            throw badParameter("body", `${action} takes no body (or {})`);
          }
          return service.act(token, n, action, t);
        }
        return service.act(token, n, action, t, parseSilenceBody(body ?? {}, t));
      },
    },
  ];

  async function answer(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? "GET";
    if (path === OPENAPI_PATH) {
      // The document holds no secrets: tools read it without a token.
      if (method !== "GET") throw new ApiError(405, "method_not_allowed", `${method} ${path}: only GET`, undefined, { allow: "GET" });
      return sendJson(res, 200, OPENAPI_DOCUMENT, { "cache-control": "no-cache" });
    }
    const token = authenticate(req);
    const rest = path.slice(API_PREFIX.length);
    const matching = routes.map((r) => ({ r, m: r.path.exec(rest) })).filter((x) => x.m !== null);
    if (matching.length === 0) throw new ApiError(404, "not_found", `no API endpoint ${path}; see ${OPENAPI_PATH}`);
    const hit = matching.find((x) => x.r.method === method);
    if (!hit) {
      const allow = matching.map((x) => x.r.method).join(", ");
      throw new ApiError(405, "method_not_allowed", `${method} ${path}: use ${allow}`, undefined, { allow });
    }
    if (hit.r.scope === "write") service.requireWrite(token);
    const body = await hit.r.handle({ req, url: req.url ?? path, token, params: hit.m!.slice(1) });
    sendJson(res, 200, body, { "cache-control": "no-store" });
  }

  function authenticate(req: IncomingMessage): ApiTokenConfig {
    const header = req.headers.authorization;
    const given = bearerToken(header);
    const challenge = (error?: string) => ({ "www-authenticate": `Bearer realm="calpage"${error ? `, error="${error}"` : ""}` });
    if (given === null) {
      const why = header === undefined ? "no Authorization header" : "the Authorization header is not `Bearer <token>`";
      throw new ApiError(401, "unauthorized", `${why}; send Authorization: Bearer <an API token from calpage.yaml api.tokens>`, undefined, challenge());
    }
    const token = findApiToken(deps.tokens, given);
    if (token === null) {
      const why = deps.tokens.length === 0 ? "calpage.yaml has no api.tokens, so the API takes no requests" : "unknown API token";
      throw new ApiError(401, "unauthorized", `${why}; an admin adds tokens in calpage.yaml under api.tokens`, undefined, challenge("invalid_token"));
    }
    annotateLogContext({ apiToken: token.name });
    return token;
  }

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return false;
    try {
      await answer(req, res, path);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      if (error instanceof ApiError) sendApiError(res, error);
      else if (isDatabaseUnavailable(error)) {
        deps.log(`api: ${req.method} ${path}: database unavailable (${errorText(error)}); answered 503`);
        sendApiError(res, new ApiError(503, "database_unavailable", "the database is unavailable; nothing was changed, please retry", undefined, { "retry-after": "10" }));
      } else {
        deps.log(`api: ${req.method} ${path} failed: ${errorText(error)}`);
        sendApiError(res, new ApiError(500, "internal", "internal error; please retry"));
      }
    }
    return true;
  };
}

function decodePart(part: string, field: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw badParameter(field, "is not valid percent-encoding");
  }
}

/** The request body as JSON; undefined when empty. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_API_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new ApiError(413, "body_too_large", `body: larger than ${MAX_API_BODY_BYTES} bytes`, "body");
    throw error;
  }
  if (raw.length === 0 || raw.toString("utf8").trim() === "") return undefined;
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch (error) {
    throw badParameter("body", error instanceof TypeError ? "not valid UTF-8" : `invalid JSON (${(error as Error).message})`);
  }
}
