import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * Requirement (issue 12): ops/prometheus-rules.yml passes `promtool check rules` and fires when it
 * should (tests/ops/prometheus-rules.promtool.yml), and ops/grafana-dashboard.json is a dashboard
 * Grafana can import whose every query is valid PromQL. (That each calpage_* metric they name
 * exists is checked against a real scrape in tests/e2e/metrics.e2e.test.ts.)
 */

const root = join(import.meta.dirname, "..", "..");
const hasPromtool = !spawnSync("promtool", ["--version"]).error;
if (!hasPromtool) console.log("skipped: promtool is not installed (Debian package prometheus); the promtool checks of ops/ do not run");

function promtool(args: string[], cwd = root) {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string; refId: string }[];
  gridPos: { h: number; w: number; x: number; y: number };
}

const dashboard = JSON.parse(readFileSync(join(root, "ops/grafana-dashboard.json"), "utf8")) as {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
};

describe("ops files", () => {
  it.skipIf(!hasPromtool)("promtool check rules accepts ops/prometheus-rules.yml", () => {
    const r = promtool(["check", "rules", "ops/prometheus-rules.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.status, r.out).toBe(0);
  });

  it.skipIf(!hasPromtool)("the rules fire when they should and stay quiet otherwise (promtool test rules)", () => {
    const r = promtool(["test", "rules", "prometheus-rules.promtool.yml"], join(root, "tests/ops"));
    expect(r.status, r.out).toBe(0);
  });

  it("every rule has a severity and a summary, and the rules cover feeds, jobs, Slack, Twilio and silence", () => {
    const rules = (parse(readFileSync(join(root, "ops/prometheus-rules.yml"), "utf8")) as { groups: { rules: { alert: string; labels: { severity: string }; annotations: { summary: string } }[] }[] }).groups.flatMap((g) => g.rules);
    for (const r of rules) {
      expect(["critical", "warning"], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toBeTruthy();
    }
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(["CalpageFeedStale", "CalpageJobsOverdue", "CalpageSlackFailing", "CalpageTwilioFailing", "CalpageNothingReceived"]));
  });

  it("the dashboard is importable: a uid, a data source variable, unique panel ids that fit the grid", () => {
    expect(dashboard.uid).toBe("calpage-ops");
    expect(dashboard.templating.list.find((v) => v.name === "datasource")?.type).toBe("datasource");
    const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type !== "row") {
        expect(p.datasource?.uid, p.title).toBe("${datasource}");
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
      }
    }
  });

  it.skipIf(!hasPromtool)("every dashboard query is valid PromQL (checked by promtool as recording rules)", () => {
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(20);
    // Grafana's variables, as Grafana would fill them in.
    const rules = exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: e.replaceAll("$__rate_interval", "5m").replaceAll("$job", ".*") }));
    const dir = mkdtempSync(join(tmpdir(), "calpage-dashboard-"));
    try {
      writeFileSync(join(dir, "queries.yml"), JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
      const r = promtool(["check", "rules", join(dir, "queries.yml")]);
      expect(r.status, r.out).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
