import { createHash } from "node:crypto";
import { endianness } from "node:os";
import type { ScheduleUser, SlackOverride } from "./schedule-types.js";
import type { PackedShifts } from "./shift-table.js";

/**
 * Bump when the final schedule computed from the same inputs can change (a fix in parsing,
 * expansion or precedence), or the stored format changes: every stored table becomes stale and
 * is recomputed from the feed copies.
 */
export const SHIFT_TABLE_VERSION = 1;

/** What a final schedule over a window is computed from, besides the window itself. */
export interface ShiftTableInputs {
  timezone: string;
  users: ScheduleUser[];
  /** sha256 of the primary feed body used; of the overrides body, null when none was used. */
  primarySha256: string;
  overridesSha256: string | null;
  slackOverrides: SlackOverride[];
  /** The table's window: only Slack overrides overlapping it count. */
  from: number;
  to: number;
}

/**
 * The key a stored table is filed under: equal keys mean the same feed bodies, users, zone and
 * Slack overrides (those overlapping the window), so the same final schedule over the window. A
 * reader computes the key from what it has now and uses the stored table only when they match.
 */
export function shiftTableInputsKey(i: ShiftTableInputs): string {
  const overrides = i.slackOverrides
    .filter((o) => o.start.getTime() < i.to && o.end.getTime() > i.from)
    .map((o) => [o.id, o.userEmail, o.start.getTime(), o.end.getTime(), o.replacing ?? null])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  const users = i.users.map((u) => [u.email, u.name, u.aliases, u.slackHandle]);
  return createHash("sha256")
    .update(JSON.stringify([SHIFT_TABLE_VERSION, endianness(), i.timezone, i.primarySha256, i.overridesSha256, users, overrides]))
    .digest("hex");
}

const ARRAYS = ["textOff", "times", "userOff", "users", "reasonOff", "reasons"] as const;

function b64(a: Int32Array | Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

/** Copies into a fresh (aligned) buffer: typed arrays cannot view a Buffer at an odd offset. */
function bytes(s: unknown): ArrayBuffer | null {
  if (typeof s !== "string") return null;
  const b = Buffer.from(s, "base64");
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

/** Packed shifts as text for the database: JSON with the typed arrays in base64 (native byte order, which is part of the key). */
export function encodePackedShifts(p: PackedShifts): string {
  return JSON.stringify({ count: p.count, text: p.text, ...Object.fromEntries(ARRAYS.map((k) => [k, b64(p[k])])) });
}

/** The packed shifts back, or null when the text is not a table this version wrote (then the feed copy is parsed instead). */
export function decodePackedShifts(data: string): PackedShifts | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return null;
  }
  const count = o.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || typeof o.text !== "string") return null;
  const buf = Object.fromEntries(ARRAYS.map((k) => [k, bytes(o[k])]));
  if (ARRAYS.some((k) => buf[k] === null || buf[k]!.byteLength % (k === "times" ? 8 : 4) !== 0)) return null;
  const p: PackedShifts = {
    count,
    text: o.text,
    textOff: new Int32Array(buf.textOff!),
    times: new Float64Array(buf.times!),
    userOff: new Int32Array(buf.userOff!),
    users: new Int32Array(buf.users!),
    reasonOff: new Int32Array(buf.reasonOff!),
    reasons: new Int32Array(buf.reasons!),
  };
  // Shapes only (a table this code wrote always passes); contents are trusted like any stored row.
  if (p.times.length !== 2 * count || p.userOff.length !== count + 1 || p.reasonOff.length !== count + 1) return null;
  if (p.userOff[count] !== p.users.length || 5 * p.reasonOff[count]! !== p.reasons.length || p.textOff[p.textOff.length - 1] !== p.text.length) return null;
  return p;
}
