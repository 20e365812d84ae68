import { logContext } from "./log-context.js";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a line is about: `group`, `integration`, `task`, `jobId`, `slackMethod`, `reqId`… */
export type LogFields = Record<string, string | number | boolean | null | undefined | readonly (string | number)[]>;

/** calpage's own logger: components depend on this, not on pino. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields`. */
  child(fields: LogFields): Logger;
}

/** Where finished lines go: pino (src/app/pino-log-sink.ts), or a line function (tests, compatibility). */
export type LogSink = (level: LogLevel, msg: string, fields: LogFields) => void;

/**
 * A Logger over `sink`. Each line gets the current log context (src/shared/log-context.ts), the
 * child's fields and its own; then `redact` runs over the message and every string field, so no
 * line reaches the sink without passing the redactor.
 */
export function createLogger(sink: LogSink, opts: { redact?: (text: string) => string; bound?: LogFields } = {}): Logger {
  const redact = opts.redact ?? ((s: string) => s);
  const bound = opts.bound ?? {};
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    const all: LogFields = { ...logContext(), ...bound, ...fields };
    for (const [k, v] of Object.entries(all)) {
      if (v === undefined) delete all[k];
      else if (typeof v === "string") all[k] = redact(v);
      else if (Array.isArray(v)) all[k] = v.map((x: string | number) => (typeof x === "string" ? redact(x) : x));
    }
    sink(level, redact(msg), all);
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (fields) => createLogger(sink, { redact, bound: { ...bound, ...fields } }),
  };
}

/** A sink that hands each message at `minLevel` or above to a line function (fields are left out). */
export function lineSink(write: (line: string) => void, minLevel: LogLevel = "debug"): LogSink {
  const min = LOG_LEVELS.indexOf(minLevel);
  return (level, msg) => {
    if (LOG_LEVELS.indexOf(level) >= min) write(msg);
  };
}

const TROUBLE_RE = /\b(?:failed|fails|could not|cannot|unreachable|unavailable|refused|error|lost|unhandled|uncaught)\b/i;

/**
 * The `log(line)` many components take, over a Logger: a line that reports trouble
 * ("…failed", "could not…", "refused") is a warning, any other one is info.
 */
export function lineLog(logger: Logger): (line: string) => void {
  return (line) => (TROUBLE_RE.test(line) ? logger.warn(line) : logger.info(line));
}
