import { describe, expect, it } from "vitest";
import { annotateLogContext, withLogContext, withNewLogContext } from "./log-context.js";
import { createLogger, lineLog, lineSink, type LogFields, type LogLevel } from "./logger.js";
import { createRedactor } from "./redact.js";

function collect() {
  const lines: { level: LogLevel; msg: string; fields: LogFields }[] = [];
  return { lines, sink: (level: LogLevel, msg: string, fields: LogFields) => lines.push({ level, msg, fields }) };
}

describe("createLogger", () => {
  it("redacts the message and every string field, arrays included", () => {
    const { lines, sink } = collect();
    const redactor = createRedactor(["s3cret-token-value"]);
    const log = createLogger(sink, { redact: (t) => redactor.redact(t) });
    log.warn("posting to /integrations/v1/alertmanager/abcdefabcdef1234/ failed for +4915112345678", { url: "https://x.example/?token=abc123", who: ["s3cret-token-value", 7], n: 3 });
    expect(lines).toEqual([
      {
        level: "warn",
        msg: "posting to /integrations/v1/alertmanager/[redacted]/ failed for …5678",
        fields: { url: "https://x.example/?token=[redacted]", who: ["[redacted]", 7], n: 3 },
      },
    ]);
  });

  it("adds the context of the work in progress and a child's fields, which a line's own fields beat", async () => {
    const { lines, sink } = collect();
    const log = createLogger(sink).child({ component: "jobs" });
    await withLogContext({ task: "notify.page", jobId: "42" }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      annotateLogContext({ group: 7, channel: undefined });
      log.info("job notify.page done", { ms: 3, component: "runner" });
    });
    log.info("outside");
    expect(lines.map((l) => l.fields)).toEqual([{ task: "notify.page", jobId: "42", group: 7, component: "runner", ms: 3 }, { component: "jobs" }]);
  });

  it("keeps an outer context as it was when an inner one adds to it", () => {
    const { lines, sink } = collect();
    const log = createLogger(sink);
    withLogContext({ reqId: "r1" }, () => {
      withLogContext({ integration: "prod" }, () => log.info("inner"));
      log.info("outer");
    });
    expect(lines.map((l) => l.fields)).toEqual([{ reqId: "r1", integration: "prod" }, { reqId: "r1" }]);
  });
});

describe("lineSink and lineLog", () => {
  it("hands messages at the level or above to a line function, without fields", () => {
    const out: string[] = [];
    const log = createLogger(lineSink((l) => out.push(l), "info"));
    log.debug("noise", { a: 1 });
    log.info("calpage listening", { port: 8080 });
    log.error("boom");
    expect(out).toEqual(["calpage listening", "boom"]);
  });

  it("makes lines that report trouble warnings and the others info", () => {
    const { lines, sink } = collect();
    const log = lineLog(createLogger(sink));
    log("schedule primary: refresh failed: ENOTFOUND");
    log("me: could not DM U1: channel_not_found");
    log("schedule primary: now on call: alice@example.com");
    expect(lines.map((l) => l.level)).toEqual(["warn", "warn", "info"]);
  });
});

describe("withNewLogContext", () => {
  it("starts from nothing: a job queued while answering a request is not about that request", () => {
    const { lines, sink } = collect();
    const log = createLogger(sink);
    withLogContext({ reqId: "r1" }, () => withNewLogContext({ task: "slack.sync", jobId: "9" }, () => log.debug("job slack.sync done")));
    expect(lines.map((l) => l.fields)).toEqual([{ task: "slack.sync", jobId: "9" }]);
  });
});
