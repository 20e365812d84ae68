/**
 * `npm run screenshots`: the README's pictures of the web view (docs/screenshots/), made the way
 * the browser tests make theirs — calpage in-process with the fake Slack and the tests' scenario,
 * Debian's chromium headless — at a desktop width and a phone's.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/shared/package-root.js";
import { chromiumMissing, launchChromium, saveScreenshots, startWebScenario } from "../tests/web/web-scenario.js";

if (chromiumMissing) {
  console.error(`screenshots: ${chromiumMissing}`);
  process.exit(1);
}
const dir = join(packageRoot(), "docs", "screenshots");
mkdirSync(dir, { recursive: true });
const [scenario, browser] = await Promise.all([startWebScenario("sqlite"), launchChromium()]);
try {
  for (const file of await saveScreenshots(browser, scenario, dir, { width: 1100, height: 800 })) console.log(file);
  // The week on a phone's 390 px wide screen.
  for (const file of await saveScreenshots(browser, scenario, dir, { width: 390, height: 844, suffix: "-phone", only: ["schedule-week", "group", "report"] })) console.log(file);
} finally {
  await browser.close();
  await scenario.stop();
}
