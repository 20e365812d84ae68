import type { ServerResponse } from "node:http";
import { sendJson } from "../send.js";

/** The `code` of every error the API answers (README "API", openapi.json `Error`). */
export type ApiErrorCode =
  | "invalid_parameter"
  | "unauthorized"
  | "insufficient_scope"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "body_too_large"
  | "schedule_unknown"
  | "database_unavailable"
  | "shutting_down"
  | "internal";

/** A refusal the API answers as `{ "error": { code, message, field? } }` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** The query parameter or body key at fault (400s). */
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A 400 naming the query parameter or body key. */
export const badParameter = (field: string, message: string) => new ApiError(400, "invalid_parameter", `${field}: ${message}`, field);

export function errorBody(code: ApiErrorCode, message: string, field?: string): { error: { code: ApiErrorCode; message: string; field?: string } } {
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

export function sendApiError(res: ServerResponse, e: ApiError): void {
  sendJson(res, e.status, errorBody(e.code, e.message, e.field), { "cache-control": "no-store", ...e.headers });
}
