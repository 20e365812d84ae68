import { describe, expect, it } from "vitest";
import { parseContentLine, parseIcsText } from "./parse-ics-text.js";

describe("parseContentLine", () => {
  it.each([
    ['DTSTART;TZID="W. Europe Standard Time:20260302T090000', "W. Europe Standard Time", "20260302T090000"],
    ['DTSTART;TZID="(UTC+01:00) Amsterdam, Berlin:20260302T090000', "(UTC+01:00) Amsterdam, Berlin", "20260302T090000"],
    ['DTSTART;TZID=W. Europe Standard Time":20260302T090000', 'W. Europe Standard Time"', "20260302T090000"],
    ['DTSTART;TZID=""Europe/Berlin"":20260302T090000', "Europe/Berlin", "20260302T090000"],
    ['DTSTART;TZID="(UTC+01:00) Amsterdam, Berlin":20260302T090000', "(UTC+01:00) Amsterdam, Berlin", "20260302T090000"],
  ])("reads %j with its zone and value", (line, tzid, value) => {
    const p = parseContentLine(line);
    expect(p?.params.TZID).toBe(tzid);
    expect(p?.value).toBe(value);
  });

  it("an unclosed quote before a text value ends at the first colon", () => {
    expect(parseContentLine('ATTENDEE;CN="Alice:mailto:alice@example.com')).toEqual({ name: "ATTENDEE", params: { CN: "Alice" }, value: "mailto:alice@example.com" });
  });
});

describe("parseIcsText", () => {
  const text = [
    "BEGIN:VCALENDAR",
    "X-WR-TIMEZONE:Europe/Berlin",
    "BEGIN:VEVENT",
    "UID:a",
    "DESCRIPTION:long text",
    " folded on",
    "\tand on",
    "SUMMARY:Al",
    " ice",
    "BEGIN:VALARM",
    "SUMMARY:reminder",
    "END:VALARM",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:b",
    "END:VEVENT",
    "END:VCALENDAR",
  ];

  it.each([
    ["CRLF", "\r\n"],
    ["LF", "\n"],
    ["CR", "\r"],
  ])("unfolds lines ending in %s and keeps nesting", (_label, eol) => {
    const doc = parseIcsText(text.join(eol));
    const ev = doc.calendars[0]!.components[0]!;
    expect(ev.properties.map((p) => [p.name, p.value])).toEqual([
      ["UID", "a"],
      ["DESCRIPTION", "long textfolded onand on"],
      ["SUMMARY", "Alice"],
    ]);
    expect(ev.components[0]!.properties).toEqual([{ name: "SUMMARY", params: {}, value: "reminder" }]);
    expect(doc.complete).toBe(true);
  });

  it("skips unwanted properties and hands over components one at a time", () => {
    const seen: string[] = [];
    const doc = parseIcsText(text.join("\r\n"), {
      keep: (name) => name === "UID" || name === "SUMMARY",
      onComponent: (c) => {
        seen.push(c.properties.map((p) => `${p.name}=${p.value}`).join(" "));
        return c.properties.some((p) => p.value === "b");
      },
    });
    expect(seen).toEqual(["UID=a SUMMARY=Alice", "UID=b"]);
    expect(doc.calendars[0]!.components.map((c) => c.properties[0]!.value)).toEqual(["a"]);
    expect(doc.calendars[0]!.properties).toEqual([]);
  });

  it("says when the calendar was never closed", () => {
    expect(parseIcsText(text.slice(0, -1).join("\r\n")).complete).toBe(false);
  });
});
