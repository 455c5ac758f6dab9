// Check one EPUB with Ace by DAISY, remembering what axe found in each
// content document (called by tools/check_ace.py).
//
//   node tools/ace_epub.cjs BOOK.epub REPORT.json [CACHE_DIR]
//
// This is Ace's own pipeline (@daisy/ace-core: unzip, package checks, every
// content document through @daisy/ace-axe-runner-puppeteer, the report), as
// `ace-cli` runs it, with one difference: the browser runner is wrapped by a
// cache.  axe's findings on a content document depend only on that
// document, on the files it can load (style sheets, images, fonts: every
// other file of the EPUB but the content documents and the package files,
// which no page loads), on the scripts Ace injects and on the browser.  All
// of these go into the key, so a document
// is checked again as soon as any of them changes, and a document whose
// bytes did not change is not.  An edit to one chapter checks that chapter;
// an unchanged EPUB starts no browser at all.  Findings are cached whatever
// they are, so a cached violation is reported again every time.
//
// Exit status: 0 with REPORT.json written (Ace's report.json), 1 when Ace
// could not check the EPUB (its message on stderr).

"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { fileURLToPath, pathToFileURL } = require("node:url");

const ace = require("@daisy/ace-core");
const logger = require("@daisy/ace-logger");
const runner = require("@daisy/ace-axe-runner-puppeteer");
const acePackage = require("@daisy/ace-meta/package");

const [epubPath, reportPath, cacheDir] = process.argv.slice(2);
if (!epubPath || !reportPath) {
  process.stderr.write("usage: node tools/ace_epub.cjs BOOK.epub REPORT.json [CACHE_DIR]\n");
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

let launched = null;
const counts = { checked: 0, cached: 0 };
const cachedRunner = {
  concurrency: runner.concurrency,
  setTimeout: (ms) => runner.setTimeout(ms),
  // The browser starts with the first document that is not in the cache.
  launch: async () => {},
  close: async () => { if (launched) { await launched; await runner.close(); } },
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
    if (!launched) launched = runner.launch();
    await launched;
    const results = await runner.run(url, scripts, scriptContents, basedir);
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
ace(path.resolve(epubPath), { cwd: process.cwd(), jobId: "", silent: true }, cachedRunner)
  .then(([, report]) => {
    fs.writeFileSync(reportPath, JSON.stringify(report));
    stdoutWrite(`${counts.checked} document(s) checked, ${counts.cached} unchanged\n`);
    process.exit(0);
  })
  .catch((err) => {
    process.stderr.write(`Ace by DAISY failed: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  });
