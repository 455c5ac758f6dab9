// Run axe-core on many HTML pages with one Chromium (called by tools/check_axe.py).
//
// argv[2]: a JSON file, {"chromium": path, "noSandbox": bool, "concurrency": n,
//          "tags": [axe rule tags], "pages": [file:// URLs]}
// stdout: one JSON line per page, {"url", "violations": [{"id", "impact",
//         "help", "nodes": [{"target", "html"}]}]} or {"url", "error"}, in the
//         order the pages finish; {"fatal": message} and exit status 3 when
//         the browser cannot start.
//
// The pages are opened from disk as a reader opens the unzipped site, with
// their own scripts running (the search page fills its results), and with
// the network off: nothing may come from elsewhere.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: request.chromium,
    // chromium-headless-shell (or, named by CHROMIUM, a full Chromium in
    // its headless mode).
    headless: "shell",
    args: request.noSandbox ? ["--no-sandbox", "--disable-gpu"] : ["--disable-gpu"],
  });
} catch (err) {
  say({ fatal: String(err && err.message ? err.message : err) });
  process.exit(3);
}

async function checkOne(url) {
  const tab = await browser.newPage();
  try {
    await tab.setOfflineMode(true);
    await tab.goto(url, { waitUntil: "load" });
    await tab.evaluate(AXE);
    const result = await tab.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
      request.tags);
    say({
      url,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html })),
      })),
    });
  } catch (err) {
    say({ url, error: String(err && err.message ? err.message : err) });
  } finally {
    await tab.close();
  }
}

const queue = [...request.pages];
const workers = Array.from({ length: Math.max(1, request.concurrency || 1) }, async () => {
  while (queue.length) {
    await checkOne(queue.shift());
  }
});
await Promise.all(workers);
await browser.close();
