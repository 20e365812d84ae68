import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { answeredByMachine, answerTwiml, escapeXml, gatherResultTwiml, hangupTwiml, pageCallTwiml, voiceDigit, type GatherOutcome, type PageCallInput, type VoiceAction } from "./voice-twiml.js";

const GATHER_URL = "https://calpage.example.com/twilio/voice/gather?page=p1&group=42";
const PROMPT = "Press 4 to acknowledge, 5 to escalate, 6 to resolve, or star to repeat.";
const page: PageCallInput = { number: 42, title: "HighLatency <prod> & co", gatherUrl: GATHER_URL };

/** The same document built with the twilio package's own TwiML builder. */
function expectedWith(build: (r: InstanceType<typeof twilio.twiml.VoiceResponse>) => void): string {
  const r = new twilio.twiml.VoiceResponse();
  build(r);
  return r.toString();
}

function promptsInto(r: InstanceType<typeof twilio.twiml.VoiceResponse>): void {
  for (let i = 0; i < 2; i++) r.gather({ input: ["dtmf"], numDigits: 1, timeout: 8, action: GATHER_URL, method: "POST" }).say(PROMPT);
  r.say("No key was pressed. Goodbye.");
  r.hangup();
}

describe("voiceDigit", () => {
  const cases: Array<[string, VoiceAction]> = [
    ["4", "ack"],
    ["5", "escalate"],
    ["6", "resolve"],
    ["*", "repeat"],
    [" 4 ", "ack"],
    ["1", "invalid"],
    ["#", "invalid"],
    ["44", "invalid"],
    ["", "invalid"],
  ];
  it.each(cases)("%j -> %s", (digits, action) => expect(voiceDigit(digits)).toBe(action));
});

describe("pageCallTwiml", () => {
  it("says the alert, then offers the keys twice and hangs up without input (same TwiML as Twilio's builder)", () => {
    expect(pageCallTwiml(page)).toBe(
      expectedWith((r) => {
        r.say("This is calpage. Alert 42: HighLatency <prod> & co.");
        promptsInto(r);
      }),
    );
  });

  it("speaks severity and alert count when given", () => {
    expect(pageCallTwiml({ ...page, title: "DiskFull.", severity: "critical", alertCount: 3 })).toContain(
      "<Say>This is calpage. Alert 42, critical: DiskFull. 3 alerts.</Say>",
    );
  });

  it("speaks firing and resolved alerts apart", () => {
    expect(pageCallTwiml({ ...page, title: "DiskFull.", severity: "critical", alertCount: 5, firingCount: 3 })).toContain(
      "<Say>This is calpage. Alert 42, critical: DiskFull. 3 firing, 2 resolved.</Say>",
    );
  });

  it("escapes everything that comes from alerts, in text and attributes", () => {
    const xml = pageCallTwiml({ number: 1, title: `a"b'c<d>&e\u0000\u0007`, gatherUrl: `https://x.example/g?a=1&b="2"` });
    expect(xml).toContain("<Say>This is calpage. Alert 1: a&quot;b&apos;c&lt;d&gt;&amp;e.</Say>");
    expect(xml).toContain(`action="https://x.example/g?a=1&amp;b=&quot;2&quot;"`);
    expect([...xml].filter((c) => c.charCodeAt(0) < 0x09)).toEqual([]);
  });

  it("says a voice template's text after the alert number, escaped like everything else", () => {
    const xml = pageCallTwiml({ ...page, severity: "critical", spoken: "Disk <Hangup/> full & \"db-1\"" });
    expect(xml).toContain("<Say>This is calpage. Alert 42. Disk &lt;Hangup/&gt; full &amp; &quot;db-1&quot;</Say>");
    expect(xml).not.toContain("critical");
    expect(pageCallTwiml({ ...page, spoken: "  " })).toContain("<Say>This is calpage. Alert 42: HighLatency &lt;prod&gt; &amp; co.</Say>");
  });

  it("cuts very long titles for speech", () => {
    const xml = pageCallTwiml({ ...page, title: "word ".repeat(200) });
    const said = /<Say>(.*?)<\/Say>/.exec(xml)?.[1] ?? "";
    expect(said.length).toBeLessThan(260);
    expect(said).toMatch(/, and so on\.$/);
  });
});

describe("answerTwiml (answering-machine detection)", () => {
  it.each(["machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax"])("%s is a machine: a short message, no menu, hang up", (answeredBy) => {
    expect(answeredByMachine(answeredBy)).toBe(true);
    expect(answerTwiml({ ...page, title: "DiskFull", severity: "critical" }, answeredBy)).toBe(
      expectedWith((r) => {
        r.say("This is calpage. Alert 42, critical: DiskFull. Please check Slack to acknowledge it. Goodbye.");
        r.hangup();
      }),
    );
  });

  it.each(["human", "unknown", ""])("%j gets the alert and the menu", (answeredBy) => {
    expect(answeredByMachine(answeredBy)).toBe(false);
    expect(answerTwiml(page, answeredBy)).toBe(pageCallTwiml(page));
  });
});

describe("gatherResultTwiml", () => {
  const cases: Array<[string, GatherOutcome, string]> = [
    ["ack", { type: "done", action: "ack", number: 42 }, expectedWith((r) => (r.say("Alert 42 acknowledged. Goodbye."), r.hangup()))],
    ["escalate", { type: "done", action: "escalate", number: 42 }, expectedWith((r) => (r.say("Alert 42 escalated. Goodbye."), r.hangup()))],
    ["resolve", { type: "done", action: "resolve", number: 42 }, expectedWith((r) => (r.say("Alert 42 resolved. Goodbye."), r.hangup()))],
    ["already", { type: "already", number: 42, state: "resolved" }, expectedWith((r) => (r.say("Alert 42 is already resolved. Goodbye."), r.hangup()))],
    [
      "invalid",
      { type: "invalid", call: page },
      expectedWith((r) => {
        r.say("Sorry, that key is not an option.");
        promptsInto(r);
      }),
    ],
    [
      "no input",
      { type: "no_input", call: page },
      expectedWith((r) => {
        r.say("No key was pressed.");
        promptsInto(r);
      }),
    ],
    ["unknown", { type: "unknown" }, expectedWith((r) => (r.say("Sorry, this alert could not be found. Please check Slack. Goodbye."), r.hangup()))],
    ["failed", { type: "failed", number: 42 }, expectedWith((r) => (r.say("Sorry, alert 42 could not be updated. Please use Slack. Goodbye."), r.hangup()))],
  ];
  it.each(cases)("%s", (_name, outcome, expected) => expect(gatherResultTwiml(outcome)).toBe(expected));

  it("star repeats the whole page", () => {
    expect(gatherResultTwiml({ type: "repeat", call: page })).toBe(pageCallTwiml(page));
  });

  it("hangupTwiml ends the call silently", () => {
    expect(hangupTwiml()).toBe(expectedWith((r) => r.hangup()));
  });

  it("every branch ends the call or offers keys again", () => {
    for (const [, outcome] of cases) {
      const xml = gatherResultTwiml(outcome);
      expect(xml.endsWith("<Hangup/></Response>")).toBe(true);
    }
  });
});

describe("escapeXml", () => {
  it("escapes the five XML specials and drops what XML cannot carry", () => {
    expect(escapeXml(`<&>"'`)).toBe("&lt;&amp;&gt;&quot;&apos;");
    expect(escapeXml("ok\u0001\uFFFE🔥")).toBe("ok🔥");
    expect(escapeXml("lone \uD800 half")).toBe("lone  half");
  });
});
