const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const PART = /(\d+(?:\.\d+)?)\s*([smhdw])/gy;

/**
 * Parses durations like `30s`, `5m`, `1h30m`, `2d` into whole seconds.
 * Returns null for anything else (including negative, empty or unit-less values).
 */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (s === "") return null;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let i = 0; i < 10 && consumed < s.length; i++) {
    const m = PART.exec(s);
    if (!m) return null;
    total += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? 0);
    consumed = PART.lastIndex;
    while (s[consumed] === " ") consumed++;
    PART.lastIndex = consumed;
  }
  if (consumed < s.length) return null;
  return Math.round(total);
}

/** Renders seconds the way people write them: `90` -> `1m30s`, `3600` -> `1h`. */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return "0s";
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("");
}
