import { pino, stdTimeFunctions, destination as pinoDestination } from "pino";
import { REDACTED } from "../shared/redact.js";
import type { LogLevel, LogSink } from "../shared/logger.js";

/** How `calpage start` writes its log: one JSON object a line, or readable lines for a terminal. */
export type LogFormat = "json" | "pretty";

/** Anything pino can write to: a line (ending in \n) at a time. */
export interface LogStream {
  write(chunk: string): unknown;
}

/** Keys whose values are secrets whatever they hold (the redactor still runs over every string before this). */
const REDACT_PATHS = ["token", "password", "secret", "authorization", "cookie", "*.token", "*.password", "*.secret", "*.authorization", "*.cookie"];

/** Fields of every JSON line that the readable format shows in its own way (or not at all). */
const PRETTY_SKIP = new Set(["level", "time", "msg", "pid"]);

/**
 * The LogSink of a running calpage: pino writing to stdout (synchronously, so the lines written
 * just before an exit are not lost), at `level` and above. Each JSON line has `level` (a name),
 * `time` (ISO 8601), `pid`, `msg` and the line's fields.
 */
export function createPinoLogSink(opts: { level: LogLevel; format: LogFormat; stream?: LogStream }): LogSink {
  let out: LogStream | undefined = opts.stream;
  if (!out && opts.format === "json") {
    const stdout = pinoDestination({ dest: 1, sync: true });
    // Whoever read the log went away (EPIPE): without a listener the error event would crash calpage.
    stdout.on("error", () => undefined);
    out = stdout;
  }
  out ??= process.stdout;
  const logger = pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    opts.format === "pretty" ? { write: (line: string) => out.write(prettyLine(line)) } : out,
  );
  return (level, msg, fields) => logger[level](fields, msg);
}

/** One JSON log line as people read it: `21:34:36.123 WARN  message  key=value …`. */
export function prettyLine(jsonLine: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith("\n") ? jsonLine : `${jsonLine}\n`;
  }
  const time = typeof o.time === "string" ? o.time.slice(11, 23) : "";
  const level = String(o.level ?? "").toUpperCase().padEnd(5);
  const fields = Object.entries(o)
    .filter(([k]) => !PRETTY_SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`);
  return `${time} ${level} ${String(o.msg ?? "")}${fields.length > 0 ? `  ${fields.join(" ")}` : ""}\n`;
}
