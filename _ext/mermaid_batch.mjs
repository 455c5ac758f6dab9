// Render many Mermaid diagrams with one Chromium (called by diagram_renderer.py).
//
// argv[2]: a JSON file, {"chromium": path, "noSandbox": bool, "concurrency": n,
//          "options": {mermaidConfig, backgroundColor, myCSS, pdfFit},
//          "scale": n, "jobs": [{"key", "code", "format", "out"}]}
// stdout: one JSON line per job, {"key", "ok": true} or {"key", "ok": false,
//         "error"}, in the order the jobs finish; {"fatal": message} and exit
//         status 3 when the browser cannot start.
//
// Each output is written to a temporary name and renamed, so an interrupted
// run never leaves a partial file under its final name.

import { readFileSync, writeFileSync, renameSync } from "node:fs";
import puppeteer from "puppeteer";
import { renderMermaid } from "@mermaid-js/mermaid-cli";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: request.chromium,
    headless: true,
    args: request.noSandbox ? ["--no-sandbox", "--disable-gpu"] : ["--disable-gpu"],
  });
} catch (err) {
  say({ fatal: String(err && err.message ? err.message : err) });
  process.exit(3);
}

async function renderOne(job) {
  try {
    const { data } = await renderMermaid(browser, job.code, job.format, {
      ...request.options,
      viewport: { width: 800, height: 600, deviceScaleFactor: job.format === "png" ? request.scale : 1 },
    });
    writeFileSync(job.out + ".part", data);
    renameSync(job.out + ".part", job.out);
    say({ key: job.key, ok: true });
  } catch (err) {
    say({ key: job.key, ok: false, error: String(err && err.message ? err.message : err) });
  }
}

const queue = [...request.jobs];
const workers = Array.from({ length: Math.max(1, request.concurrency || 1) }, async () => {
  while (queue.length) {
    await renderOne(queue.shift());
  }
});
await Promise.all(workers);
await browser.close();
