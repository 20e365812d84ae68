import { describe, expect, it } from "vitest";
import type { Weekday } from "./config-types.js";
import { parseTimeOfDay, parseTimeWindow, parseWeekdays, type TimeWindow } from "./parse-time-window.js";

const ALL: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

describe("parseTimeOfDay", () => {
  it.each([
    ["09:00", "09:00"],
    ["9:00", "09:00"],
    [" 17:30 ", "17:30"],
    ["00:00", "00:00"],
    ["24:00", "24:00"],
    ["23:59", "23:59"],
  ])("%j -> %s", (text, expected) => {
    expect(parseTimeOfDay(text)).toBe(expected);
  });

  it.each(["24:01", "25:00", "12:60", "9", "0900", "9:5", "noon", "", "-1:00"])("rejects %j", (text) => {
    expect(parseTimeOfDay(text)).toBeNull();
  });
});

describe("parseWeekdays", () => {
  it.each<[string, Weekday[]]>([
    ["mon", ["mon"]],
    ["mon-fri", ["mon", "tue", "wed", "thu", "fri"]],
    ["mon,wed,fri", ["mon", "wed", "fri"]],
    ["fri,mon", ["mon", "fri"]],
    ["sat-sun,wed", ["wed", "sat", "sun"]],
    ["fri-mon", ["mon", "fri", "sat", "sun"]],
    ["Monday-Wednesday", ["mon", "tue", "wed"]],
    ["MON, Tue", ["mon", "tue"]],
    ["mon-sun", ALL],
    ["mon,mon-tue", ["mon", "tue"]],
  ])("%j", (text, expected) => {
    expect(parseWeekdays(text)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, (string | RegExp)[]]>([
    ["mnn", [/^unknown day "mnn" \(did you mean "mon"\?\); expected mon, tue, wed, thu, fri, sat or sun/]],
    ["mon-fry", [/^unknown day "fry" \(did you mean "fri"\?\)/]],
    ["weekdays", [/^unknown day "weekdays"; expected/]],
    ["mon,,fri", [/^empty day in "mon,,fri"/]],
    ["mon-wed-fri", ['expected a day range like mon-fri, found "mon-wed-fri"']],
    ["xx,yy", [/unknown day "xx"/, /unknown day "yy"/]],
  ])("rejects %j with every problem", (text, messages) => {
    const result = parseWeekdays(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(messages.length);
      messages.forEach((m, i) => (typeof m === "string" ? expect(result.errors[i]).toBe(m) : expect(result.errors[i]).toMatch(m)));
    }
  });
});

describe("parseTimeWindow", () => {
  const weekdays: Weekday[] = ["mon", "tue", "wed", "thu", "fri"];
  it.each<[string, TimeWindow]>([
    ["09:00-17:00", { from: "09:00", to: "17:00", days: ALL, timezone: null }],
    ["9:00 - 17:00", { from: "09:00", to: "17:00", days: ALL, timezone: null }],
    ["09:00-17:00 mon-fri", { from: "09:00", to: "17:00", days: weekdays, timezone: null }],
    ["09:00-17:00 mon-fri Europe/Berlin", { from: "09:00", to: "17:00", days: weekdays, timezone: "Europe/Berlin" }],
    ["09:00-17:00 Europe/Berlin", { from: "09:00", to: "17:00", days: ALL, timezone: "Europe/Berlin" }],
    ["22:00-06:00 sat, sun UTC", { from: "22:00", to: "06:00", days: ["sat", "sun"], timezone: "UTC" }],
    ["00:00-24:00 mon,wed,fri", { from: "00:00", to: "24:00", days: ["mon", "wed", "fri"], timezone: null }],
    ["mon-fri 09:00-17:00", { from: "09:00", to: "17:00", days: weekdays, timezone: null }],
    ["08:00-12:00 America/Port-au-Prince", { from: "08:00", to: "12:00", days: ALL, timezone: "America/Port-au-Prince" }],
  ])("%j", (text, expected) => {
    expect(parseTimeWindow(text)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, (string | RegExp)[]]>([
    ["", [/^expected a time window like "09:00-17:00 mon-fri Europe\/Berlin" \(days and time zone are optional\), found ""/]],
    ["mon-fri", [/^expected a time window like/]],
    ["9-17", [/^cannot read "9-17"; expected a time window like/, /^expected a time window like/]],
    ["25:00-17:00", ['expected a time of day from 00:00 to 24:00 like 09:00, found "25:00"']],
    ["09:00-17:00-18:00", ['expected a time range like 09:00-17:00, found "09:00-17:00-18:00"']],
    ["09:00-09:00", [/^the window starts and ends at 09:00; use two different times/]],
    ["24:00-06:00", ["a window cannot start at 24:00; start it at 00:00"]],
    ["09:00-17:00 mon-fry", [/^unknown day "fry" \(did you mean "fri"\?\)/]],
    ["09:00-17:00 Europe/Berln", [/^unknown time zone "Europe\/Berln"/]],
    ["09:00-17:00 Europe/Berlin UTC", [/^more than one time zone in/]],
    ["09:00-17:00 10:00-11:00", [/^more than one time range in/]],
    ["09:00-17:00 mon_fri", [/^cannot read "mon_fri"/]],
    ["25:00-09:00 funday Mars/Base", [/found "25:00"/, /unknown day "funday"/, /unknown time zone "Mars\/Base"/]],
  ])("rejects %j with every problem", (text, messages) => {
    const result = parseTimeWindow(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(messages.length);
      messages.forEach((m, i) => (typeof m === "string" ? expect(result.errors[i]).toBe(m) : expect(result.errors[i]).toMatch(m)));
    }
  });
});
