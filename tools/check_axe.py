"""Run axe-core on every page of the HTML sites; fail on any violation.

Usage: python tools/check_axe.py SITE_DIR_OR_PAGE...

Each folder stands for every ``*.html`` file under it (the language chooser,
each edition's chapters, its search page, redirect pages); the search page
is checked a second time with a query, so that its list of results is
checked too.  axe-core (pinned in package-lock.json) runs with the WCAG 2.1
A and AA rules and axe's best practices, in one Debian Chromium for all the
pages (tools/axe_pages.mjs, through puppeteer-core).  Every violation of any
impact is a problem: ``page: rule (impact): what is wrong [element]``.

With $CHECKER_CACHE set, what axe found on a page is kept in
$CHECKER_CACHE/axe, keyed by the page, every file of its site a page can
load (all but pages and downloads), the query, the rules, axe-core's version
and Chromium: an unchanged page is not checked again, and a page with a
violation reports it every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import gate

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "axe_pages.mjs"
# The checkers' browser, Debian's Chromium built for automation; the one
# the Makefile names (CHROMIUM=/path, e.g. on Read the Docs) takes its place.
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium-headless-shell"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# A word that both editions' search pages find.
SEARCH_QUERY = "MLOps"


# The folder each page was found in (a site): what the page can load lies
# under it.  A page given alone stands for its own folder.
SITES: dict[str, Path] = {}
# Files of a site that no page loads: downloads and Sphinx's bookkeeping.
NOT_LOADED = {".html", ".pdf", ".epub", ".zip", ".inv", ".buildinfo", ".downloads"}


def pages(args: list[str]) -> list[str]:
    urls = []
    for arg in args:
        path = Path(arg).resolve()
        found = sorted(p for p in path.rglob("*.html") if "_static" not in p.parts) \
            if path.is_dir() else [path]
        for page in found:
            SITES[page.as_uri()] = path if path.is_dir() else path.parent
            urls.append(page.as_uri())
            if page.name == "search.html":
                urls.append(f"{page.as_uri()}?q={SEARCH_QUERY}")
    return urls


def site_digest(site: Path) -> str:
    """Every file of ``site`` a page can load (style sheets, scripts, the
    search index, images, fonts), names and bytes, in one digest."""
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix not in NOT_LOADED and path.name not in NOT_LOADED:
            digest.update(f"{path.relative_to(site)}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def checker_identity() -> str:
    """axe-core's version, the rules and the browser: what every page's key shares."""
    browser = Path(CHROMIUM).resolve()
    axe = json.loads((ROOT / "node_modules" / "axe-core" / "package.json").read_text())["version"]
    return "\0".join([axe, str(browser), str(browser.stat().st_mtime_ns if browser.exists() else 0),
                      " ".join(TAGS)])


def cache_entry(url: str, identity: str, digests: dict[Path, str]) -> Path:
    """Where axe's findings on ``url`` are kept ($CHECKER_CACHE/axe): keyed by
    the page, what its site lets it load, the query and ``identity``."""
    page, _, query = url.partition("?")
    path = Path(unquote(urlparse(page).path))
    site = SITES.get(page, path.parent)
    if site not in digests:
        digests[site] = site_digest(site)
    key = hashlib.sha256("\0".join([identity, query, str(path.relative_to(site)),
                                     digests[site]]).encode()
                         + b"\0" + path.read_bytes()).hexdigest()
    return Path(os.environ["CHECKER_CACHE"], "axe", key[:2], f"{key}.json")


def run(urls: list[str]) -> list[dict]:
    """axe's findings on every page: those of unchanged pages from the cache,
    the others from the browser (started only when one is needed)."""
    entries: dict[str, Path | None] = dict.fromkeys(urls)
    if os.environ.get("CHECKER_CACHE"):
        identity, digests = checker_identity(), {}  # each site read once per run
        entries = {url: cache_entry(url, identity, digests) for url in urls}
    results, missing = [], []
    for url in urls:
        entry = entries[url]
        if entry and entry.exists():
            results.append({**json.loads(entry.read_text(encoding="utf-8")), "url": url})
        else:
            missing.append(url)
    fresh = in_browser(missing) if missing else []
    for result in fresh:
        entry = entries.get(result.get("url"))
        if entry and "error" not in result:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(result), encoding="utf-8")
            tmp.replace(entry)
    return results + fresh


def in_browser(urls: list[str]) -> list[dict]:
    request = {"chromium": CHROMIUM, "noSandbox": os.geteuid() == 0, "concurrency": 2,
               "tags": TAGS, "pages": urls}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(request, handle)
    try:
        proc = subprocess.run(["node", str(SCRIPT), handle.name], cwd=ROOT,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise SystemExit("error: node not found: install Node.js 20 or newer "
                         "(make system-deps)") from None
    finally:
        os.unlink(handle.name)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    fatal = [r["fatal"] for r in results if "fatal" in r]
    if fatal or proc.returncode != 0:
        raise SystemExit(f"error: axe-core could not run ({proc.returncode}): "
                         + (fatal[0] if fatal else proc.stderr.strip()[-2000:]))
    return results


def problems(results: list[dict]) -> list[str]:
    found = []
    for result in sorted(results, key=lambda r: r["url"]):
        page = result["url"].removeprefix("file://")
        try:
            page = str(Path(page.split("?")[0]).relative_to(Path.cwd())) \
                + ("?" + page.split("?", 1)[1] if "?" in page else "")
        except ValueError:
            pass
        if "error" in result:
            found.append(f"{page}: axe-core failed: {result['error']}")
        for violation in result.get("violations", []):
            for node in violation["nodes"]:
                found.append(f"{page}: {violation['id']} ({violation['impact']}): "
                             f"{violation['help']} [{node['target']}] {node['html'][:120]}")
    return found


def main(argv: list[str]) -> int:
    if not argv:
        return gate.usage(__doc__)
    urls = pages(argv)
    if not urls:
        print(f"error: no HTML page under {' '.join(argv)}", file=sys.stderr)
        return 1
    return gate.report(problems(run(urls)), f"axe-core violation(s) in {len(urls)} pages")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
