/**
 * Where JSON text stops being valid: the 1-based line and column of the first offending
 * character (the end of the text when it ends too early), or null when it is valid. For error
 * messages only — JSON.parse does the parsing; its own messages name no position for some errors.
 * Iterative (no recursion), so any nesting depth is fine.
 */
export function jsonErrorPosition(text: string): { line: number; column: number } | null {
  const offset = jsonErrorOffset(text);
  if (offset === null) return null;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  const match = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  // What the parser expects next, with a stack of open containers.
  const stack: ("{" | "[")[] = [];
  let expect: "value" | "after" | "key" | "firstKey" | "firstValue" = "value";
  for (;;) {
    skip();
    if (i >= text.length) return expect === "after" && stack.length === 0 ? null : i;
    const c = text[i]!;
    if (expect === "after") {
      if (stack.length === 0) return i;
      const top = stack[stack.length - 1]!;
      if (c === ",") {
        i++;
        expect = top === "{" ? "key" : "value";
      } else if ((c === "}" && top === "{") || (c === "]" && top === "[")) {
        i++;
        stack.pop();
      } else return i;
      continue;
    }
    if (expect === "key" || expect === "firstKey") {
      if (c === "}" && expect === "firstKey") {
        i++;
        stack.pop();
        expect = "after";
        continue;
      }
      if (c !== '"' || !match(STRING)) return i;
      skip();
      if (text[i] !== ":") return i;
      i++;
      expect = "value";
      continue;
    }
    if (c === "]" && expect === "firstValue") {
      i++;
      stack.pop();
      expect = "after";
      continue;
    }
    if (c === "{") {
      i++;
      stack.push("{");
      expect = "firstKey";
    } else if (c === "[") {
      i++;
      stack.push("[");
      expect = "firstValue";
    } else if (c === '"') {
      if (!match(STRING)) return i;
      expect = "after";
    } else if (text.startsWith("true", i) || text.startsWith("null", i)) {
      i += 4;
      expect = "after";
    } else if (text.startsWith("false", i)) {
      i += 5;
      expect = "after";
    } else if (match(NUMBER)) {
      expect = "after";
    } else return i;
  }
}
