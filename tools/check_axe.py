"""Run axe-core on every page of the HTML sites; fail on any violation.

Usage: python tools/check_axe.py SITE_DIR_OR_PAGE...

Each folder stands for every ``*.html`` file under it (the language chooser,
each edition's chapters, its search page, redirect pages); the search page
is checked a second time with a query, so that its list of results is
checked too.  axe-core (pinned in package-lock.json) runs with the WCAG 2.1
A and AA rules and axe's best practices, in one Debian Chromium for all the
pages (tools/axe_pages.mjs, through puppeteer-core).  Every violation of any
impact is a problem: ``page: rule (impact): what is wrong [element]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import gate

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "axe_pages.mjs"
# The browser the Makefile names (CHROMIUM=/path, e.g. on Read the Docs).
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# A word that both editions' search pages find.
SEARCH_QUERY = "MLOps"


def pages(args: list[str]) -> list[str]:
    urls = []
    for arg in args:
        path = Path(arg).resolve()
        found = sorted(p for p in path.rglob("*.html") if "_static" not in p.parts) \
            if path.is_dir() else [path]
        for page in found:
            urls.append(page.as_uri())
            if page.name == "search.html":
                urls.append(f"{page.as_uri()}?q={SEARCH_QUERY}")
    return urls


def run(urls: list[str]) -> list[dict]:
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
