/** One content line: `NAME;PARAM=value:VALUE`, names upper-cased, quotes removed from parameter values. */
export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** A BEGIN/END block and what it contains. */
export interface IcsComponent {
  name: string;
  properties: IcsProperty[];
  components: IcsComponent[];
}

/** The lexical view of an iCalendar body. */
export interface IcsDocument {
  /** Top-level VCALENDAR components. */
  calendars: IcsComponent[];
  /** False when a VCALENDAR was opened but never closed (a truncated download). */
  complete: boolean;
}

/** Options for {@link parseIcsText}. */
export interface ParseIcsTextOptions {
  /**
   * Which properties (upper-case names) to keep; others are skipped without being parsed or
   * unfolded (a 20 MB feed is mostly DESCRIPTIONs nobody reads). Default: all.
   */
  keep?: (name: string) => boolean;
  /**
   * Called when a component directly inside a VCALENDAR (a VEVENT, a VTIMEZONE...) is complete;
   * returning true leaves it out of the document, so a big feed can be read one event at a time.
   */
  onComponent?: (component: IcsComponent) => boolean;
}

/**
 * Splits iCalendar text into components and properties (RFC 5545 §3.1): unfolds lines,
 * parses parameters (quoted values may hold `;`, `:` and `,`), keeps component nesting, so
 * a VALARM's SUMMARY or ATTENDEE never leaks into its VEVENT. No semantics here. One pass over
 * the text, without an array of its lines.
 */
export function parseIcsText(text: string, opts: ParseIcsTextOptions = {}): IcsDocument {
  const keep = opts.keep;
  const root: IcsComponent = { name: "ROOT", properties: [], components: [] };
  const stack: IcsComponent[] = [root];
  forEachLine(text.replace(/^\uFEFF/, ""), keep, (line) => {
    const prop = parseContentLine(line);
    if (!prop) return;
    const top = stack[stack.length - 1]!;
    if (prop.name === "BEGIN") {
      const child: IcsComponent = { name: prop.value.trim().toUpperCase(), properties: [], components: [] };
      top.components.push(child);
      stack.push(child);
    } else if (prop.name === "END") {
      const name = prop.value.trim().toUpperCase();
      const at = findLastIndex(stack, (c) => c.name === name);
      if (at > 0) {
        const closed = stack[at]!;
        const parent = stack[at - 1]!;
        stack.length = at;
        if (opts.onComponent && parent.name === "VCALENDAR" && at === 2 && opts.onComponent(closed)) {
          const i = parent.components.lastIndexOf(closed);
          if (i !== -1) parent.components.splice(i, 1);
        }
      }
    } else if (stack.length > 1) {
      top.properties.push(prop);
    }
  });
  const calendars = root.components.filter((c) => c.name === "VCALENDAR");
  const complete = stack.length === 1;
  return { calendars, complete };
}

function findLastIndex<T>(items: T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i]!)) return i;
  return -1;
}

/** The property name a physical line starts with, upper-cased; null when it has no `;`/`:` after a name (keep it whole). */
function lineName(text: string, from: number, to: number): string | null {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    // A-Z a-z 0-9 -
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) i++;
    else break;
  }
  if (i === from || i >= to || (text[i] !== ";" && text[i] !== ":")) return null;
  return text.slice(from, i).toUpperCase();
}

/**
 * Calls `visit` with every unfolded, non-blank content line (CRLF, LF or CR line ends; a line
 * starting with a space or tab continues the previous one). Lines whose name `keep` refuses
 * are passed over without being joined.
 */
function forEachLine(text: string, keep: ((name: string) => boolean) | undefined, visit: (line: string) => void): void {
  const len = text.length;
  let nextLf = text.indexOf("\n");
  let nextCr = text.indexOf("\r");
  /** End of the physical line starting at `from`. */
  const eolFrom = (from: number): number => {
    if (nextLf !== -1 && nextLf < from) nextLf = text.indexOf("\n", from);
    if (nextCr !== -1 && nextCr < from) nextCr = text.indexOf("\r", from);
    const lf = nextLf === -1 ? len : nextLf;
    const cr = nextCr === -1 ? len : nextCr;
    return Math.min(lf, cr);
  };
  const after = (eol: number): number => (eol >= len ? len : text[eol] === "\r" && text[eol + 1] === "\n" ? eol + 2 : eol + 1);
  let pos = 0;
  while (pos < len) {
    const eol = eolFrom(pos);
    const name = keep ? lineName(text, pos, eol) : null;
    const wanted = name === null || name === "BEGIN" || name === "END" || keep!(name);
    let line = wanted ? text.slice(pos, eol) : "";
    let next = after(eol);
    while (next < len && (text[next] === " " || text[next] === "\t")) {
      const e2 = eolFrom(next);
      if (wanted) line += text.slice(next + 1, e2);
      next = after(e2);
    }
    pos = next;
    if (wanted && line.trim() !== "") visit(line);
  }
}

/** Parses `NAME *(;param) : value`; returns null for lines that are not content lines. */
export function parseContentLine(line: string): IcsProperty | null {
  const nameMatch = /^[A-Za-z0-9-]+/.exec(line);
  if (!nameMatch) return null;
  const name = nameMatch[0].toUpperCase();
  let i = nameMatch[0].length;
  const params: Record<string, string> = {};
  while (line[i] === ";") {
    i++;
    const eq = line.indexOf("=", i);
    if (eq < 0) return null;
    const pname = line.slice(i, eq).trim().toUpperCase();
    i = eq + 1;
    const values: string[] = [];
    for (;;) {
      if (line[i] === '"') {
        const close = line.indexOf('"', i + 1);
        if (close < 0) {
          // A quote never closed (Outlook: `TZID="W. Europe Standard Time:20260301T090000`):
          // the value runs to the colon before the property value.
          const colon = valueColon(line, i + 1);
          if (colon < 0) return null;
          values.push(line.slice(i + 1, colon));
          i = colon;
          break;
        }
        let value = line.slice(i + 1, close);
        i = close + 1;
        // Stray text after the closing quote (`TZID="Europe/Berlin"x` or `""Europe/Berlin""`) stays part of the value.
        while (i < line.length && line[i] !== ";" && line[i] !== "," && line[i] !== ":") value += line[i++];
        values.push(value.replace(/"/g, ""));
      } else {
        let j = i;
        // Exchange writes `TZID=tzone://Microsoft/Custom` unquoted: a ':' followed by '//' is part of the value.
        while (j < line.length && line[j] !== ";" && line[j] !== "," && !(line[j] === ":" && line.slice(j + 1, j + 3) !== "//")) j++;
        values.push(line.slice(i, j));
        i = j;
      }
      if (line[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    if (pname !== "") params[pname] = values.join(",");
  }
  if (line[i] !== ":") return null;
  return { name, params, value: line.slice(i + 1) };
}

/**
 * Where the property value starts in a line whose parameter quote at `from` is never closed: the
 * last colon when what follows it looks like a date, time, period or duration list (the value of a
 * DTSTART, EXDATE, RECURRENCE-ID...), else the first colon.
 */
function valueColon(line: string, from: number): number {
  const last = line.lastIndexOf(":");
  if (last >= from && /^[0-9TZ,/+\-PWDHMS]+$/i.test(line.slice(last + 1).trim())) return last;
  return line.indexOf(":", from);
}

/** Unescapes a TEXT value (RFC 5545 §3.3.11). */
export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

/** Splits a multi-valued property value on unescaped commas. */
export function splitValues(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}
