/**
 * Minimal dotted JSON paths for webhook mappings: `data.alert.name`,
 * `alerts[0].name`, `matrix[1][2]`. Lookups use own properties only, so a path
 * such as `constructor.name` finds nothing instead of `Object`.
 */

export type JsonPathSegment = string | number;

/** Longer paths are rejected; this is also the lookup's depth bound. */
export const MAX_PATH_SEGMENTS = 32;
const MAX_PATH_CHARS = 512;

const SEGMENT = /^([^.[\]]+)((?:\[\d{1,9}\])*)$/;
const INDEX = /\[(\d{1,9})\]/g;

/** Parses a path into segments; null when malformed or too long. */
export function parseJsonPath(path: string): JsonPathSegment[] | null {
  if (path === "" || path.length > MAX_PATH_CHARS) return null;
  const segments: JsonPathSegment[] = [];
  for (const part of path.split(".")) {
    const match = SEGMENT.exec(part);
    if (match === null) return null;
    segments.push(match[1] ?? "");
    for (const index of (match[2] ?? "").matchAll(INDEX)) segments.push(Number(index[1]));
  }
  return segments.length > MAX_PATH_SEGMENTS ? null : segments;
}

/** The value at `path` inside `root`, or undefined when absent (or the path is malformed). */
export function getJsonPath(root: unknown, path: string): unknown {
  const segments = parseJsonPath(path);
  if (segments === null) return undefined;
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof segment === "number") {
      if (!Array.isArray(current) || segment >= current.length) return undefined;
      current = current[segment];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, segment)) {
        return undefined;
      }
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}
