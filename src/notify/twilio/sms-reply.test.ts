import { describe, expect, it } from "vitest";
import { gsmLength, smsLength, toGsmWhereSafe, truncateSms } from "./gsm.js";
import { bundleSmsText, heldBackSmsText, pageSmsText, parseSmsReply, smsReplyText, type SmsReply, type SmsReplyOutcome } from "./sms-reply.js";

describe("parseSmsReply", () => {
  const cases: Array<[string, number | null, SmsReply]> = [
    ["42a", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["42A", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["42 a", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["  42   a  ", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["#42a", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["ack 42", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["ACK 42", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["Ack #42", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["42 ack", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["42a.", null, { type: "action", action: "ack", number: 42, explicit: true }],
    ["42r", null, { type: "action", action: "resolve", number: 42, explicit: true }],
    ["42 R", null, { type: "action", action: "resolve", number: 42, explicit: true }],
    ["resolve 42", null, { type: "action", action: "resolve", number: 42, explicit: true }],
    ["42e", null, { type: "action", action: "escalate", number: 42, explicit: true }],
    ["esc 7", null, { type: "action", action: "escalate", number: 7, explicit: true }],
    ["escalate 7", null, { type: "action", action: "escalate", number: 7, explicit: true }],
    ["１２a", null, { type: "action", action: "ack", number: 12, explicit: true }],
    ["a", 9, { type: "action", action: "ack", number: 9, explicit: false }],
    ["A ", 9, { type: "action", action: "ack", number: 9, explicit: false }],
    ["ack", 9, { type: "action", action: "ack", number: 9, explicit: false }],
    ["r", 9, { type: "action", action: "resolve", number: 9, explicit: false }],
    ["E!", 9, { type: "action", action: "escalate", number: 9, explicit: false }],
    ["a", null, { type: "no_recent_page", action: "ack" }],
    ["42a", 9, { type: "action", action: "ack", number: 42, explicit: true }],
    ["STOP", 9, { type: "stop", keyword: "STOP" }],
    ["stop", null, { type: "stop", keyword: "STOP" }],
    [" Stop. ", null, { type: "stop", keyword: "STOP" }],
    ["STOPALL", null, { type: "stop", keyword: "STOPALL" }],
    ["unsubscribe", null, { type: "stop", keyword: "UNSUBSCRIBE" }],
    ["CANCEL", null, { type: "stop", keyword: "CANCEL" }],
    ["end", null, { type: "stop", keyword: "END" }],
    ["Quit", null, { type: "stop", keyword: "QUIT" }],
    ["START", null, { type: "start", keyword: "START" }],
    ["yes", null, { type: "start", keyword: "YES" }],
    ["UNSTOP", null, { type: "start", keyword: "UNSTOP" }],
    ["HELP", 9, { type: "help" }],
    ["info", 9, { type: "help" }],
    ["", 9, { type: "unknown", text: "" }],
    ["hello?", 9, { type: "unknown", text: "hello?" }],
    ["42", 9, { type: "unknown", text: "42" }],
    ["42x", 9, { type: "unknown", text: "42x" }],
    ["42ab", 9, { type: "unknown", text: "42ab" }],
    ["a 42 r", 9, { type: "unknown", text: "a 42 r" }],
    ["stop paging me about 42", 9, { type: "unknown", text: "stop paging me about 42" }],
    ["1234567890a", 9, { type: "unknown", text: "1234567890a" }],
  ];
  it.each(cases)("%j (newest %s)", (body, newest, expected) => {
    expect(parseSmsReply(body, newest)).toEqual(expected);
  });
});

describe("smsReplyText", () => {
  const cases: Array<[SmsReplyOutcome, string | null]> = [
    [{ type: "done", action: "ack", number: 42, title: "HighLatency" }, "calpage #42 acknowledged: HighLatency. Reply 42r to resolve."],
    [{ type: "done", action: "resolve", number: 42, title: "HighLatency" }, "calpage #42 resolved: HighLatency."],
    [{ type: "done", action: "escalate", number: 42, title: "HighLatency" }, "calpage #42 escalated to the next step: HighLatency."],
    [{ type: "already", action: "ack", number: 42, state: "acknowledged" }, "calpage #42 is already acknowledged, nothing to acknowledge."],
    [{ type: "already", action: "ack", number: 42, state: "resolved" }, "calpage #42 is already resolved, nothing to acknowledge."],
    [
      { type: "unknown_group", number: 42 },
      "calpage has no open alert #42 paged to this number. Use the number from the page: 17a acks #17, 17r resolves, 17e escalates. HELP for more.",
    ],
    [
      { type: "unknown_group", number: 5 },
      "calpage has no open alert #5 paged to this number. Use the number from the page: 42a acks #42, 42r resolves, 42e escalates. HELP for more.",
    ],
    [
      { type: "no_recent_page", action: "ack" },
      "calpage has not paged this number recently. Use the number from the page: 42a acks #42, 42r resolves, 42e escalates. HELP for more.",
    ],
    [{ type: "failed", action: "resolve", number: 42 }, "calpage could not resolve #42 just now. Please try again or use Slack."],
    [{ type: "stopped" }, null],
    [{ type: "started" }, "calpage: SMS pages to this number are on again. Reply HELP for the commands."],
    [
      { type: "help" },
      "calpage: reply 42a to ack alert #42, 42r to resolve, 42e to escalate. A, R or E alone act on the newest page. STOP ends SMS pages.",
    ],
    [
      { type: "unknown", text: "what is going on with the database???" },
      'calpage did not understand "what is going on with...". Use the number from the page: 42a acks #42, 42r resolves, 42e escalates. HELP for more.',
    ],
  ];
  it.each(cases)("%j", (outcome, expected) => {
    const text = smsReplyText(outcome);
    expect(text).toBe(expected);
    if (text !== null) expect(smsLength(text)).toMatchObject({ encoding: "gsm7" });
    if (text !== null) expect(smsLength(text).length).toBeLessThanOrEqual(160);
  });

  it("cuts a long title so the confirmation stays one segment", () => {
    const text = smsReplyText({ type: "done", action: "ack", number: 42, title: "DiskFull ".repeat(40) }) ?? "";
    expect(gsmLength(text)).toBeLessThanOrEqual(160);
    expect(text).toMatch(/^calpage #42 acknowledged: DiskFull DiskFull .*\.\.\. Reply 42r to resolve\.$/);
  });
});

describe("pageSmsText", () => {
  it("reads like the example and fits one GSM segment", () => {
    const text = pageSmsText({ number: 42, title: "HighLatency (cluster=prod)", severity: "critical", alertCount: 3, important: false });
    expect(text).toBe("calpage #42 CRITICAL: HighLatency (cluster=prod) - 3 alerts. Reply 42a to ack, 42r to resolve, 42e to escalate.");
    expect(smsLength(text)).toEqual({ encoding: "gsm7", length: text.length });
  });

  it("counts firing and resolved alerts apart, and what the source left out", () => {
    expect(pageSmsText({ number: 42, title: "HighLatency", severity: "critical", alertCount: 5, firingCount: 3, important: false })).toBe(
      "calpage #42 CRITICAL: HighLatency - 3 firing, 2 resolved. Reply 42a to ack, 42r to resolve, 42e to escalate.",
    );
    const big = pageSmsText({ number: 42, title: "KubePodCrashLooping (cluster=prod)", severity: "warning", alertCount: 1000, firingCount: 1000, truncatedAlerts: 500, important: false });
    expect(big).toBe("calpage #42 WARNING: KubePodCrashLooping (cluster=prod) - 1000 alerts and 500 more not sent. Reply 42a to ack, 42r to resolve, 42e to escalate.");
    expect(gsmLength(big)).toBeLessThanOrEqual(160);
  });

  it("leaves out severity and the count of a single alert; marks important pages", () => {
    expect(pageSmsText({ number: 7, title: "DiskFull.", severity: null, alertCount: 1, important: true })).toBe(
      "calpage #7 IMPORTANT: DiskFull. Reply 7a to ack, 7r to resolve, 7e to escalate.",
    );
    expect(pageSmsText({ number: 7, title: "   ", severity: "", alertCount: 0, important: false })).toBe(
      "calpage #7: (no title). Reply 7a to ack, 7r to resolve, 7e to escalate.",
    );
  });

  it("truncates a long title to stay within 160 GSM characters", () => {
    const text = pageSmsText({
      number: 42,
      title: "HighLatency (cluster=prod) — “p99” above 2s for 10 minutes in eu-west-1 on service checkout-api, instance ip-10-0-0-1",
      severity: "critical",
      alertCount: 3,
      important: true,
    });
    expect(text).toBe(
      'calpage #42 IMPORTANT CRITICAL: HighLatency (cluster=prod) - "p99" above 2s for 10 minutes in... - 3 alerts. Reply 42a to ack, 42r to resolve, 42e to escalate.',
    );
    expect(gsmLength(text)).toBeLessThanOrEqual(160);
  });

  it("counts GSM extension characters twice", () => {
    const text = pageSmsText({ number: 42, title: "{[|]}".repeat(40), severity: "critical", alertCount: 1, important: false });
    expect(gsmLength(text)).toBeLessThanOrEqual(160);
    expect(gsmLength(text)).toBeGreaterThanOrEqual(155);
  });

  it("leaves the title room even with the longest number, severity and count", () => {
    const text = pageSmsText({ number: 123456789, title: "x".repeat(300), severity: "catastrophic-failure", alertCount: 100_000_000, important: true });
    expect(text).toBe(
      "calpage #123456789 IMPORTANT CATASTROP...: xxxxxxxxxxxxxxxxxxxxxx... - 100000000 alerts. Reply 123456789a to ack, 123456789r to resolve, 123456789e to escalate.",
    );
    expect(gsmLength(text)).toBeLessThanOrEqual(160);
  });

  it("keeps accented Latin titles GSM where the alphabet allows", () => {
    const text = pageSmsText({ number: 7, title: "Café crème à Ørsted – ç", severity: null, alertCount: 1, important: false });
    expect(text).toBe("calpage #7: Café crème à Ørsted - c. Reply 7a to ack, 7r to resolve, 7e to escalate.");
    expect(gsmLength(text)).not.toBeNull();
  });

  it("keeps a title that needs UCS-2 to two segments, without broken characters", () => {
    const title = "Ошибка базы данных на сервере db-1: соединение отклонено, реплика отстаёт 🔥🔥🔥 более чем на 5 минут";
    const text = pageSmsText({ number: 7, title, severity: null, alertCount: 1, important: false });
    expect(smsLength(text).encoding).toBe("ucs2");
    expect(text.length).toBeLessThanOrEqual(134);
    expect(text).toMatch(/^calpage #7: Ошибка/);
    expect(text).toMatch(/\.\.\. Reply 7a to ack, 7r to resolve, 7e to escalate\.$/);
    // No lone surrogate halves (in unicode mode a proper pair is one code point, not \p{Cs}).
    expect(/\p{Cs}/u.test(text)).toBe(false);
  });
});

describe("bundleSmsText", () => {
  it("lists the held-back groups, newest first", () => {
    expect(bundleSmsText(5, [50, 49, 48, 47, 46])).toBe(
      "calpage: 5 more alerts while the SMS limit was reached: #50, #49, #48, #47, #46. Reply 50a to ack #50, or use Slack.",
    );
  });

  it("lists as many as fit in 160 and counts the rest", () => {
    const text = bundleSmsText(40, Array.from({ length: 40 }, (_, i) => 1000 - i));
    expect(gsmLength(text)).toBeLessThanOrEqual(160);
    expect(text).toMatch(/^calpage: 40 more alerts while the SMS limit was reached: #1000, #999, .* \+\d+ more\. Reply 1000a to ack #1000, or use Slack\.$/);
  });

  it("handles one alert, duplicates and no numbers", () => {
    expect(bundleSmsText(1, [3, 3])).toBe("calpage: 1 more alert while the SMS limit was reached: #3. Reply 3a to ack #3, or use Slack.");
    expect(bundleSmsText(2, [])).toBe("calpage: 2 more alerts while the SMS limit was reached. See Slack for details.");
  });
});

describe("GSM-7 helpers", () => {
  it("measures septets, extension characters twice, null outside the alphabet", () => {
    expect(gsmLength("abc")).toBe(3);
    expect(gsmLength("€[]")).toBe(6);
    expect(gsmLength("Ünïcode")).toBeNull();
    expect(gsmLength("—")).toBeNull();
    expect(smsLength("hi 👋")).toEqual({ encoding: "ucs2", length: 5 });
  });

  it("maps typography to look-alikes and keeps what has none", () => {
    expect(toGsmWhereSafe("“quoted” — it’s… ok")).toBe('"quoted" - it\'s... ok');
    expect(toGsmWhereSafe("naïve façade")).toBe("naive facade");
    expect(toGsmWhereSafe("日本 🔥")).toBe("日本 🔥");
  });

  it("truncates by the encoding's units without splitting characters", () => {
    expect(truncateSms("hello world", 11, "gsm7")).toBe("hello world");
    expect(truncateSms("hello world", 8, "gsm7")).toBe("hello...");
    expect(truncateSms("{{{{{{", 8, "gsm7")).toBe("{{...");
    expect(truncateSms("{{{{{{", 6, "gsm7")).toBe("{...");
    expect(truncateSms("🔥🔥🔥🔥", 7, "ucs2")).toBe("🔥🔥...");
  });
});

describe("heldBackSmsText", () => {
  it("tells the person which important page was held back and how to ack it", () => {
    expect(heldBackSmsText({ number: 12, title: "DB down.", channel: "call", inWindow: 3, window: "15m" })).toBe(
      "calpage #12 IMPORTANT: DB down. A call to you was held back (3 calls to this number in 15m). Reply 12a to ack, or see Slack.",
    );
    expect(heldBackSmsText({ number: 7, title: "Disk", channel: "sms", inWindow: 1, window: "20s" })).toBe(
      "calpage #7 IMPORTANT: Disk. A text to you was held back (1 text to this number in 20s). Reply 7a to ack, or see Slack.",
    );
  });
  it("cuts a long title so the whole fits one SMS", () => {
    const text = heldBackSmsText({ number: 123456, title: "x".repeat(400), channel: "call", inWindow: 3, window: "15m" });
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toMatch(/^calpage #123456 IMPORTANT: x+\.\.\. A call to you was held back/);
  });
});
