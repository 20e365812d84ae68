import { describe, expect, it } from "vitest";
import { iterateRruleWalls, parseRrule } from "./rrule-walls.js";

const walls = (rule: string, dtstart: string, n = 10) => {
  const out: string[] = [];
  iterateRruleWalls(parseRrule(rule), Date.parse(`${dtstart}Z`), null, (w) => {
    out.push(new Date(w).toISOString().slice(0, 16));
    return out.length < n;
  });
  return out;
};

describe("parseRrule", () => {
  it.each(["FREQ=FORTNIGHTLY", "INTERVAL=2", "FREQ", "RRULE:", "BYDAY=MO;FREQ=WEKLY"])("rejects %j: no frequency is left", (rule) => expect(() => parseRrule(rule)).toThrow());

  it.each([
    ["FREQ=WEEKLY;BYDAY=XX", ["BYDAY=XX"], undefined],
    ["FREQ=WEEKLY;BYDAY=0MO,TU", ["BYDAY=0MO"], "byweekday"],
    ["FREQ=MONTHLY;BYMONTHDAY=32", ["BYMONTHDAY=32"], undefined],
    ["FREQ=DAILY;COUNT=0", ["COUNT=0"], undefined],
    ["FREQ=DAILY;UNTIL=2026", ["UNTIL=2026"], undefined],
    ["FREQ=WEEKLY;BYDAYS=MO", ["BYDAYS=MO"], undefined],
    ["FREQ=WEEKLY;COUNT=3;;BYDAY=MO;WEEKLY", ["WEEKLY"], "byweekday"],
    ["FREQ=DAILY;COUNT=2;COUNT=4", ["COUNT=2 (COUNT is given again; the last one is used)"], "count"],
    ["FREQ=WEEKLY;BYDAY=1MO,-1FR,TU;COUNT=2", ["the numbers of BYDAY=1MO,-1FR (they only count with FREQ=MONTHLY or YEARLY; every such weekday is used)"], "byweekday"],
  ])("keeps the rule %j and lists what it ignored", (rule, ignored, kept) => {
    const r = parseRrule(rule);
    expect(r.ignored).toEqual(ignored);
    if (kept) expect(r.options).toHaveProperty(kept);
  });

  it("keeps BYDAY numbers with MONTHLY and YEARLY without a word", () => {
    expect(parseRrule("FREQ=MONTHLY;BYDAY=1MO,-1FR").ignored).toEqual([]);
    expect(parseRrule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU").ignored).toEqual([]);
    expect(parseRrule("FREQ=DAILY;COUNT=4").count).toBe(4);
    expect(parseRrule("FREQ=DAILY;COUNT=2;COUNT=4").count).toBe(4);
  });

  it("reads a doubled RRULE: prefix and keeps COUNT together with UNTIL", () => {
    const r = parseRrule("RRULE:RRULE:FREQ=DAILY;COUNT=2;UNTIL=20260101");
    expect([r.freq, r.count, r.until?.kind, r.ignored]).toEqual([3, 2, "date", ["RRULE:RRULE:"]]);
  });

  it("accepts lower case, a leading RRULE: and ignores X- and RFC 7529 parts", () => {
    const r = parseRrule("RRULE:freq=weekly;byday=mo,-1fr;X-EVOLUTION-ENDDATE=20260101T000000Z;RSCALE=GREGORIAN;SKIP=OMIT");
    expect(r.freq).toBe(2);
    expect(r.until).toBeNull();
  });

  it.each([
    ["UNTIL=20260305T040000Z", { kind: "utc", epochMs: Date.parse("2026-03-05T04:00:00Z") }],
    ["UNTIL=20260305T040000", { kind: "local", wall: Date.parse("2026-03-05T04:00:00Z") }],
    ["UNTIL=20260305", { kind: "date", wall: Date.parse("2026-03-05T00:00:00Z") }],
  ])("keeps %s apart from the rule", (until, expected) => expect(parseRrule(`FREQ=DAILY;${until}`).until).toEqual(expected));
});

describe("iterateRruleWalls (RFC 5545 §3.8.5.3 examples, on wall times)", () => {
  it("monthly on the first Friday", () => {
    expect(walls("FREQ=MONTHLY;COUNT=3;BYDAY=1FR", "1997-09-05T09:00")).toEqual(["1997-09-05T09:00", "1997-10-03T09:00", "1997-11-07T09:00"]);
  });

  it("the third instance of Tuesday-Thursday in a month (BYSETPOS)", () => {
    expect(walls("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "1997-09-04T09:00")).toEqual(["1997-09-04T09:00", "1997-10-07T09:00", "1997-11-06T09:00"]);
  });

  it("every other week on Tuesday and Thursday", () => {
    expect(walls("FREQ=WEEKLY;INTERVAL=2;COUNT=4;WKST=SU;BYDAY=TU,TH", "1997-09-02T09:00")).toEqual(["1997-09-02T09:00", "1997-09-04T09:00", "1997-09-16T09:00", "1997-09-18T09:00"]);
  });

  it("the last day of the month and yearly in June and July", () => {
    expect(walls("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31T09:00", 3)).toEqual(["2026-01-31T09:00", "2026-02-28T09:00", "2026-03-31T09:00"]);
    expect(walls("FREQ=YEARLY;COUNT=4;BYMONTH=6,7", "1997-06-10T09:00")).toEqual(["1997-06-10T09:00", "1997-07-10T09:00", "1998-06-10T09:00", "1998-07-10T09:00"]);
  });
});
