/** What a CLI command takes besides `--config` (read before the command runs). */
export interface CommandArguments {
  /** Options followed by one value: `--at <time>` (also written `--at=<time>`). */
  values?: readonly string[];
  /** Options without a value: `--feeds`. */
  flags?: readonly string[];
  /** How many words that are not options or their values it takes at most. */
  args: number;
}

/**
 * Checks a command's words against what it takes, before it runs: an option it does not know, an
 * option without its value, or a word too many is an error naming it (the command would otherwise
 * answer something else — "now" for a mistyped `--at` — and exit 0). `--name=value` comes back as
 * `--name value`, the form the commands read.
 */
export function checkArguments(words: readonly string[], takes: CommandArguments): { ok: true; words: string[] } | { ok: false; message: string } {
  const values = new Set(takes.values ?? []);
  const flags = new Set(takes.flags ?? []);
  const out: string[] = [];
  let positional = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith("--")) {
      positional++;
      if (positional > takes.args) return { ok: false, message: takes.args === 0 ? `unexpected argument "${word}": this command takes none` : `unexpected argument "${word}": this command takes at most ${takes.args}` };
      out.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const name = eq === -1 ? word : word.slice(0, eq);
    const known = [...values, ...flags];
    if (flags.has(name)) {
      if (eq !== -1) return { ok: false, message: `${name} takes no value` };
      out.push(name);
      continue;
    }
    if (!values.has(name)) {
      const options = known.length > 0 ? `; it takes ${known.join(", ")}` : "; it takes no options";
      return { ok: false, message: `unknown option ${name}${options}` };
    }
    const value = eq === -1 ? words[i + 1] : word.slice(eq + 1);
    if (value === undefined || value === "" || (eq === -1 && value.startsWith("--"))) return { ok: false, message: `${name} needs a value` };
    out.push(name, value);
    if (eq === -1) i++;
  }
  return { ok: true, words: out };
}
