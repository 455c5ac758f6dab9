// Render many Mermaid diagrams to SVG in one Chromium page (called by
// diagram_renderer.py, which derives the PDF and PNG from the SVG).
//
// Mermaid is loaded once, from node_modules (never from the network), and
// each diagram goes through its public API, mermaid.render(); the SVG is
// serialised as mermaid-cli does, so the bytes are the same as its output.
//
// argv[2]: a JSON file, {"chromium": path, "noSandbox": bool,
//          "mermaidConfig": {...}, "backgroundColor": css colour,
//          "jobs": [{"key", "code", "out"}]}
// stdout: one JSON line per job, {"key", "ok": true} or {"key", "ok": false,
//         "error"}, in the order of the jobs; {"fatal": message} and exit
//         status 3 when the browser cannot start.
//
// Each output is written to a temporary name and renamed, so an interrupted
// run never leaves a partial file under its final name.

import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer";

const require = createRequire(import.meta.url);
const MERMAID_JS = require.resolve("mermaid/dist/mermaid.min.js");

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const message = (err) => String(err && err.message ? err.message : err);

let browser, page;
try {
  browser = await puppeteer.launch({
    executablePath: request.chromium,
    // chromium-headless-shell (or, named by CHROMIUM, a full Chromium in
    // its headless mode).
    headless: "shell",
    args: request.noSandbox ? ["--no-sandbox", "--disable-gpu"] : ["--disable-gpu"],
  });
  page = await browser.newPage();
  // The page mermaid-cli renders in: an 800 x 600 viewport, an empty
  // container on a white body.
  await page.setViewport({ width: 800, height: 600 });
  await page.setContent(
    '<!doctype html><html><body><div id="container"></div></body></html>');
  await page.addScriptTag({ path: MERMAID_JS });
  await page.evaluate(({ config, background }) => {
    document.body.style.background = background;
    window.mermaid.initialize({ startOnLoad: false, ...config });
  }, { config: request.mermaidConfig, background: request.backgroundColor });
} catch (err) {
  say({ fatal: message(err) });
  process.exit(3);
}

async function renderOne(code, background) {
  const container = document.getElementById("container");
  container.innerHTML = "";
  // mermaid-cli's fixed id: with deterministicIds, the same source gives
  // the same SVG whatever was rendered before it.
  const { svg } = await window.mermaid.render("my-svg", code, container);
  container.innerHTML = svg;
  const element = container.getElementsByTagName("svg")[0];
  element.style.backgroundColor = background;
  return new XMLSerializer().serializeToString(element);
}

for (const job of request.jobs) {
  try {
    const svg = await page.evaluate(renderOne, job.code, request.backgroundColor);
    writeFileSync(job.out + ".part", svg);
    renameSync(job.out + ".part", job.out);
    say({ key: job.key, ok: true });
  } catch (err) {
    say({ key: job.key, ok: false, error: message(err) });
  }
}
await browser.close();
