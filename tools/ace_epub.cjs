// Check EPUBs with Ace by DAISY, one browser for all of them, remembering
// what axe found in each content document (called by tools/check_ace.py).
//
//   node tools/ace_epub.cjs [--cache DIR] BOOK.epub REPORT.json [BOOK.epub REPORT.json ...]
//
// This is Ace's own pipeline (@daisy/ace-core: unzip, package checks, every
// content document through a browser runner, the report), as `ace-cli` runs
// it, with a runner of its own in place of @daisy/ace-axe-runner-puppeteer
// (which is therefore not installed).
// It does what that runner does to each document: http(s) requests are
// aborted, an .html document is served as XHTML, the scripts Ace gives it
// are added to the page and marked data-ace, and daisy.ace.run's results are
// returned.  It differs in what it costs:
//
// - one browser checks every EPUB of the call, and each of its pages checks
//   one document after another instead of a new page per document;
// - Ace's scripts are added by their file: URL instead of their text, so
//   the browser compiles axe-core (1.3 MB) once per page, not once per
//   document;
// - a cache sits in front of it.  axe's findings on a content document
//   depend only on that document, on the files it can load (style sheets,
//   images, fonts: every other file of the EPUB but the content documents
//   and the package files, which no page loads), on the scripts Ace injects
//   and on the browser.  All of these go into the key, so a document is
//   checked again as soon as any of them changes, and a document whose bytes
//   did not change is not.  An edit to one chapter checks that chapter; an
//   unchanged EPUB starts no browser at all.  Findings are cached whatever
//   they are, so a cached violation is reported again every time.
//
// Exit status: 0 with every REPORT.json written (Ace's report.json), 1 when
// Ace could not check an EPUB (its message on stderr).

"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { fileURLToPath, pathToFileURL } = require("node:url");

const ace = require("@daisy/ace-core");
const logger = require("@daisy/ace-logger");
const acePackage = require("@daisy/ace-meta/package");
const puppeteer = require("puppeteer");

const args = process.argv.slice(2);
const cacheDir = args[0] === "--cache" ? (args.shift(), args.shift()) : null;
if (args.length === 0 || args.length % 2 !== 0) {
  process.stderr.write("usage: node tools/ace_epub.cjs [--cache DIR] BOOK.epub REPORT.json [BOOK.epub REPORT.json ...]\n");
  process.exit(2);
}

const sha256 = () => crypto.createHash("sha256");

// What a browser of this identity finds: the Chromium binary (path, size,
// time) and Ace's version stand for the browser and the injected scripts.
// The same for every document of the run, so it is worked out once.
let identity = null;
function browserIdentity() {
  const chromium = process.env.PUPPETEER_EXECUTABLE_PATH || "";
  let stamp = "";
  try {
    const st = fs.statSync(fs.realpathSync(chromium));
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch (_e) { /* no such file: the runner will say so */ }
  return `ace ${acePackage.version}\0chromium ${chromium} ${stamp}`;
}
function checkerIdentity(scripts) {
  if (identity === null) {
    identity = sha256().update(browserIdentity()).update("\0")
      .update(scripts.map((s) => fs.readFileSync(s)).join("\0")).digest("hex");
  }
  return identity;
}

// Every file of the unzipped EPUB a page can load, in one digest: all but the
// content documents (each is keyed by itself) and the package files (the
// OPF, whose modification date changes with every commit, the NCX,
// META-INF/ and mimetype), which only the reading system reads.
const PACKAGE_FILE = /^(mimetype|.*\.opf|.*\.ncx)$/i;
const resourceDigests = new Map();
function resourcesDigest(basedir) {
  if (!resourceDigests.has(basedir)) {
    const hash = sha256();
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "META-INF") walk(full);
        } else if (!/\.x?html?$/i.test(entry.name) && !PACKAGE_FILE.test(entry.name)) {
          hash.update(path.relative(basedir, full)).update("\0").update(fs.readFileSync(full)).update("\0");
        }
      }
    };
    walk(basedir);
    resourceDigests.set(basedir, hash.digest("hex"));
  }
  return resourceDigests.get(basedir);
}

// The results name the unzipped EPUB's temporary folder, as a file URL and
// as a path; they are stored with placeholders in their place (a raw NUL
// never occurs in JSON text otherwise: JSON.stringify escapes it).
const PLACEHOLDERS = ["\u0000EPUB-URL\u0000", "\u0000EPUB-DIR\u0000"];
function swap(text, from, to) {
  return text.split(from).join(to);
}

// The browser and its pages, shared by every EPUB of the call.  A page that
// failed is closed, not reused.
const TIMEOUT = 240000; // Ace's runner: a document may take minutes to check
let browser = null;
const idle = [];
async function openPage() {
  if (idle.length) return idle.pop();
  if (!browser) {
    browser = puppeteer.launch({
      headless: "shell",
      args: ["--no-sandbox", "--disable-setuid-sandbox"],
      protocolTimeout: TIMEOUT,
    });
  }
  const page = await (await browser).newPage();
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    if (/^https?:\/\//.test(url)) {
      request.abort();
    } else if (request.resourceType() === "document" && /^file:\//.test(url) && /\.html?$/.test(url)) {
      fs.readFile(new URL(url), "utf8", (err, xhtml) => {
        if (err) request.continue();
        else request.respond({ status: 200, contentType: "application/xhtml+xml", body: xhtml });
      });
    } else {
      request.continue();
    }
  });
  return page;
}

async function check(url, scripts, scriptContents) {
  const page = await openPage();
  try {
    await page.goto(url, { timeout: TIMEOUT });
    for (const content of scriptContents) {
      const tag = await page.addScriptTag({ content });
      await page.evaluate((element) => element.setAttribute("data-ace", ""), tag);
    }
    for (const script of scripts) {
      const tag = await page.addScriptTag({ url: pathToFileURL(script).href });
      await page.evaluate((element) => element.setAttribute("data-ace", ""), tag);
    }
    const results = await page.evaluate(() => new Promise((resolve, reject) => {
      window.daisy.ace.run((err, res) => (err ? reject(err) : resolve(res)));
    }));
    idle.push(page);
    return results;
  } catch (err) {
    await page.close().catch(() => {});
    throw err;
  }
}

const counts = { checked: 0, cached: 0 };
const cachedRunner = {
  // A page per core: each document keeps a core busy.
  concurrency: Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length),
  setTimeout: () => {},
  // The browser starts with the first document that is not in the cache,
  // and closes when every EPUB is checked.
  launch: async () => {},
  close: async () => {},
  run: async (url, scripts, scriptContents, basedir) => {
    const file = fileURLToPath(url);
    const key = sha256()
      .update(checkerIdentity(scripts)).update("\0")
      .update(scriptContents.join("\0")).update("\0")
      .update(resourcesDigest(basedir)).update("\0")
      .update(path.relative(basedir, file)).update("\0")
      .update(fs.readFileSync(file))
      .digest("hex");
    const entry = cacheDir && path.join(cacheDir, key.slice(0, 2), `${key}.json`);
    const base = [pathToFileURL(basedir).href, basedir];
    if (entry && fs.existsSync(entry)) {
      let text = fs.readFileSync(entry, "utf8");
      base.forEach((b, i) => { text = swap(text, PLACEHOLDERS[i], b); });
      try {
        const results = JSON.parse(text);
        counts.cached += 1;
        return results;
      } catch (_e) { /* unreadable: check the document again */ }
    }
    const results = await check(url, scripts, scriptContents);
    counts.checked += 1;
    if (entry) {
      let text = JSON.stringify(results);
      base.forEach((b, i) => { text = swap(text, b, PLACEHOLDERS[i]); });
      fs.mkdirSync(path.dirname(entry), { recursive: true });
      const tmp = `${entry}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, entry);
    }
    return results;
  },
};

logger.initLogger({ verbose: false, silent: true });
// Ace writes its report on stdout when given no output folder (no copies of
// the book's images are made); the report is also what the promise returns.
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
(async () => {
  for (let i = 0; i < args.length; i += 2) {
    const [epub, report] = [args[i], args[i + 1]];
    try {
      const [, result] = await ace(path.resolve(epub), { cwd: process.cwd(), jobId: "", silent: true },
        cachedRunner);
      fs.writeFileSync(report, JSON.stringify(result));
    } catch (err) {
      process.stderr.write(`${epub}: Ace by DAISY failed: ${err && err.message ? err.message : err}\n`);
      process.exitCode = 1;
    }
  }
  if (browser) await browser.then((b) => b.close(), () => {});
  stdoutWrite(`${counts.checked} document(s) checked, ${counts.cached} unchanged\n`);
  process.exit(process.exitCode || 0);
})();
