import { describe, expect, it } from "vitest";
import { REPRESENTATIVE_ZONES, windowsDisplayNameToIana, windowsIdToIana } from "./windows-zones.js";
import { canonicalIanaZone, ianaRules, instantToWall, wallToInstant } from "./zone-time.js";

const wall = (s: string) => Date.parse(`${s}Z`);
const rules = (name: string) => ianaRules(name)!;

describe("wallToInstant / instantToWall", () => {
  it.each([
    ["Europe/Berlin", "2026-03-29T01:59:00", "2026-03-29T00:59:00.000Z"],
    ["Europe/Berlin", "2026-03-29T02:30:00", "2026-03-29T01:30:00.000Z"], // skipped hour: pre-gap offset
    ["Europe/Berlin", "2026-03-29T03:00:00", "2026-03-29T01:00:00.000Z"],
    ["Europe/Berlin", "2026-10-25T02:30:00", "2026-10-25T00:30:00.000Z"], // repeated hour: the first
    ["America/New_York", "2026-03-08T02:30:00", "2026-03-08T07:30:00.000Z"],
    ["America/New_York", "2026-11-01T01:30:00", "2026-11-01T05:30:00.000Z"],
    ["Australia/Sydney", "2026-04-05T02:30:00", "2026-04-04T15:30:00.000Z"],
    ["Australia/Sydney", "2026-10-04T02:30:00", "2026-10-03T16:30:00.000Z"],
    ["Australia/Lord_Howe", "2026-04-05T01:45:00", "2026-04-04T14:45:00.000Z"],
    ["Asia/Kathmandu", "2026-01-01T00:00:00", "2025-12-31T18:15:00.000Z"],
    ["UTC", "2026-01-01T00:00:00", "2026-01-01T00:00:00.000Z"],
  ])("%s %s -> %s", (zone, w, instant) => {
    expect(new Date(wallToInstant(wall(w), rules(zone))).toISOString()).toBe(instant);
  });

  it("round-trips every quarter hour through a year of Sydney and New York", () => {
    for (const zone of ["Australia/Sydney", "America/New_York"]) {
      const r = rules(zone);
      for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2027-01-01T00:00:00Z"); t += 15 * 60_000) {
        const back = wallToInstant(instantToWall(t, r), r);
        // In a repeated hour the wall time names two instants; we answer with the first.
        expect(back === t || back === t - 3_600_000).toBe(true);
      }
    }
  });
});

describe("zone names", () => {
  it("canonicalises the letter case of IANA names but keeps modern spellings", () => {
    expect(canonicalIanaZone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalIanaZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(canonicalIanaZone("Not/A_Zone")).toBeNull();
    expect(canonicalIanaZone("")).toBeNull();
  });

  it("maps every Windows zone to an IANA zone this runtime knows", () => {
    for (const z of REPRESENTATIVE_ZONES) expect(ianaRules(z), z).not.toBeNull();
  });

  it.each([
    ["W. Europe Standard Time", "Europe/Berlin"],
    ["w. europe standard time", "Europe/Berlin"],
    ["Pacific Standard Time", "America/Los_Angeles"],
    ["AUS Eastern Standard Time", "Australia/Sydney"],
    ["Nope Standard Time", null],
  ])("Windows ID %j -> %j", (name, zone) => expect(windowsIdToIana(name)).toBe(zone));

  it.each([
    ["(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"],
    ["(GMT+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney"],
    ["(UTC-08:00) Pacific Time (US & Canada)", "America/Los_Angeles"],
    ["(UTC-06:00) Guadalajara, Mexico City, Monterrey - New", "America/Mexico_City"],
    ["(UTC) Dublin, Edinburgh, Lisbon, London", "Europe/London"],
    ["(UTC+01:00) Somewhere New", null],
  ])("display name %j -> %j", (name, zone) => expect(windowsDisplayNameToIana(name)).toBe(zone));
});
