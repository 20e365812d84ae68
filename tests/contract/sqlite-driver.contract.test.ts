import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { choosePackage, NAPI_PACKAGE, sqliteDriver } from "../../src/store/sqlite-driver.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const nodeMajor = Number(process.versions.node.split(".")[0]);

/**
 * What a calpage server on SQLite does all day: prepare statements, let them go, wait idle, and
 * finally exit without closing the database. On Node 24.19+ with better-sqlite3 12.x the process
 * aborts (SIGABRT, "Assertion failed: (env) != nullptr") during an idle garbage collection or at
 * exit; .ci/node24-tests runs this file under Node 24, the Docker image's Node.
 */
const churn = `
import { openSqliteDatabase, sqliteDriver } from "./src/store/sqlite-driver.ts";
const db = openSqliteDatabase(":memory:");
db.exec("create table t (a integer, b text)");
for (let i = 0; i < 20000; i++) {
  db.prepare("insert into t values (?, ?)").run(i, "x" + i);
  if (i % 1000 === 0) db.prepare("select count(*) as c from t").get();
}
await new Promise((resolve) => setTimeout(resolve, 2000));
const { c } = db.prepare("select count(*) as c from t").get();
console.log(JSON.stringify({ rows: c, driver: sqliteDriver().packageName }));
`;

describe("the SQLite driver on this Node", () => {
  it(`loads the build that is safe here (${process.version})`, () => {
    const driver = sqliteDriver();
    expect(driver.warning).toBeUndefined();
    if (nodeMajor >= 22) expect(driver.packageName).toBe(NAPI_PACKAGE);
    const db = new driver.Database(":memory:");
    expect(db.prepare("select 1 + 1 as two").get()).toEqual({ two: 2 });
    db.close();
  });

  it("survives statements collected while idle and an exit without close", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", churn], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).not.toMatch(/Assertion failed/);
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(JSON.parse(run.stdout.trim().split("\n").at(-1)!)).toEqual({ rows: 20000, driver: choosePackage(nodeMajor, nodeMajor >= 22).packageName });
  });
});
