import { describe, expect, it } from "vitest";
import { createLogger } from "../shared/logger.js";
import { createPinoLogSink, prettyLine } from "./pino-log-sink.js";

function capture() {
  const chunks: string[] = [];
  return { chunks, stream: { write: (c: string) => chunks.push(c) } };
}

describe("createPinoLogSink", () => {
  it("writes one JSON object a line with level, ISO time, msg and the fields", () => {
    const { chunks, stream } = capture();
    const log = createLogger(createPinoLogSink({ level: "info", format: "json", stream }));
    log.info("alert group #12 opened", { integration: "prod", group: 12 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.endsWith("\n")).toBe(true);
    const line = JSON.parse(chunks[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: "info", msg: "alert group #12 opened", integration: "prod", group: 12, pid: process.pid });
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
  });

  it("leaves out lines below LOG_LEVEL", () => {
    const { chunks, stream } = capture();
    const log = createLogger(createPinoLogSink({ level: "warn", format: "json", stream }));
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(chunks.map((c) => (JSON.parse(c) as { level: string }).level)).toEqual(["warn", "error"]);
  });

  it("censors fields named like secrets, whatever they hold", () => {
    const { chunks, stream } = capture();
    createPinoLogSink({ level: "info", format: "json", stream })("info", "request", { token: "short", authorization: "x" });
    expect(JSON.parse(chunks[0]!)).toMatchObject({ token: "[redacted]", authorization: "[redacted]" });
  });

  it("writes readable lines in the pretty format", () => {
    const { chunks, stream } = capture();
    const log = createLogger(createPinoLogSink({ level: "debug", format: "pretty", stream }));
    log.warn("slack: chat.postMessage rate limited", { slackMethod: "chat.postMessage", note: "two words" });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}slack: chat\.postMessage rate limited {2}slackMethod=chat\.postMessage note="two words"\n$/);
  });
});

describe("prettyLine", () => {
  it("passes a line that is not JSON through unchanged", () => {
    expect(prettyLine("plain text")).toBe("plain text\n");
  });
});
