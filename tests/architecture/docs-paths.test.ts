import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/shared/package-root.js";

/**
 * docs/architecture.md and the decision records name real files: every repository path they
 * mention exists, and every link stays inside the repository. A renamed or moved file fails here
 * until the docs follow.
 */
const root = packageRoot();
const DOCS = ["docs/architecture.md", ...readdirSync(join(root, "docs/decisions")).filter((f) => f.endsWith(".md")).map((f) => `docs/decisions/${f}`)];

/** Repository paths mentioned in the text (`src/…`, `tests/…`, …); a path cut by a placeholder (`parse-<type>.ts`) is not one. */
export function mentionedPaths(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?<![\w./-])((?:src|tests|docs|migrations|ops)\/[\w./-]*)(.?)/g)) {
    if (m[2] === "<") continue;
    found.add(m[1]!.replace(/[./]+$/, ""));
  }
  return [...found];
}

/** Targets of Markdown links `[text](target)`, without `#anchors`. */
export function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!.replace(/#.*$/, "")).filter((t) => t !== "");
}

describe("mentionedPaths and linkTargets", () => {
  it("find paths in backticks and prose, and skip placeholders", () => {
    const text = "See `src/alerts/ingest-service.ts`, then src/http (the folder). Add `src/alerts/parse-<type>.ts` and [it](decisions/0001-x.md#why).";
    expect(mentionedPaths(text)).toEqual(["src/alerts/ingest-service.ts", "src/http"]);
    expect(linkTargets(text)).toEqual(["decisions/0001-x.md"]);
  });
});

describe.each(DOCS)("%s", (doc) => {
  const text = readFileSync(join(root, doc), "utf8");

  it("names only files and folders that exist", () => {
    const paths = mentionedPaths(text);
    expect(paths.length).toBeGreaterThan(doc === "docs/architecture.md" ? 100 : 2);
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });

  it("links only to files inside the repository", () => {
    for (const target of linkTargets(text)) {
      expect(target, `${doc} links outside the repository`).not.toMatch(/^[a-z]+:/i);
      const file = resolve(dirname(join(root, doc)), target);
      expect(relative(root, file).startsWith(".."), `${target} is outside the repository`).toBe(false);
      expect(existsSync(file), `${doc} links to ${target}, which does not exist`).toBe(true);
    }
  });
});

describe("README", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Development");
  const end = readme.indexOf("\n## ", start + 1);
  const development = start < 0 ? "" : readme.slice(start, end < 0 ? undefined : end);

  it("has a Development section that links to docs/architecture.md, and to nothing outside the repository", () => {
    expect(development.length).toBeGreaterThan(100);
    const links = linkTargets(development);
    expect(links).toContain("docs/architecture.md");
    expect(links.filter((l) => /^[a-z]+:/i.test(l) || !existsSync(join(root, l)))).toEqual([]);
  });

  it("links every decision record from docs/architecture.md", () => {
    const architecture = readFileSync(join(root, "docs/architecture.md"), "utf8");
    const linked = linkTargets(architecture).filter((t) => t.startsWith("decisions/") && t.endsWith(".md"));
    expect(DOCS.filter((d) => d.startsWith("docs/decisions/")).map((d) => d.replace("docs/", "")).sort()).toEqual([...new Set(linked)].sort());
  });
});
