/**
 * An error for the log: its message, and the database's own error behind it
 * (drizzle wraps driver errors as "Failed query: …" with the real one in `cause`).
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
  if (!cause || typeof cause.message !== "string") return error.message;
  const firstLine = error.message.split("\n")[0] ?? "";
  return `${firstLine} — caused by: ${cause.message}${typeof cause.code === "string" ? ` (${cause.code})` : ""}`;
}
