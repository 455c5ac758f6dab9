"""Check EPUBs with Ace by DAISY; fail on any violation, whatever its impact.

Usage: python tools/check_ace.py FILE.epub...

Ace (``@daisy/ace-core``, pinned in package-lock.json) runs the EPUB
accessibility checks that publishers and readers' organisations use:
axe-core on every content document in Chromium,
and its own checks of the package (metadata, navigation, page list).
tools/ace_epub.cjs runs Ace's pipeline as Ace's command line does, and keeps what
axe found in each content document in $CHECKER_CACHE/ace (when set), keyed
by everything that can change it: a document is checked again when it, a
file it can load, Ace or Chromium changed.  The EPUBs of one call are
checked by one Ace, in one browser: Debian's chromium-headless-shell, the
same Chromium built for automation, which starts faster and does less per
page.  Each violation is printed as
``book.epub/document.xhtml: rule (impact): what is wrong [element]``.
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
ACE = ROOT / "node_modules" / "@daisy" / "ace-core"
DRIVER = ROOT / "tools" / "ace_epub.cjs"
# The checkers' browser; the one the Makefile names (CHROMIUM=/path, e.g.
# Chrome for Testing on Read the Docs) takes its place.
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium-headless-shell"


def start(runs: list[tuple[Path, Path]], cwd: Path) -> subprocess.Popen:
    """One Ace for every (EPUB, report file) pair."""
    if not ACE.exists():
        raise SystemExit(f"error: {ACE} not found: run `make setup` (npm ci installs Ace)")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    cache = ["--cache", str(Path(os.environ["CHECKER_CACHE"], "ace"))] \
        if os.environ.get("CHECKER_CACHE") else []
    pairs = [str(p) for epub, report in runs for p in (epub.resolve(), report)]
    return subprocess.Popen(["node", str(DRIVER), *cache, *pairs],
                            env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def violations(epub: Path, report: dict) -> list[str]:
    found = []
    for document in report.get("assertions", []):
        name = document["earl:testSubject"]["url"].lstrip("/")
        for assertion in document.get("assertions", []):
            if assertion["earl:result"]["earl:outcome"] != "fail":
                continue
            test, result = assertion["earl:test"], assertion["earl:result"]
            where = " ".join(result.get("earl:pointer", {}).get("css", []))
            what = (result.get("dct:description") or test.get("dct:description", "")).strip()
            found.append(f"{epub}/{name}: {test['dct:title']} ({test['earl:impact']}): "
                         f"{' '.join(what.split())}" + (f" [{where}]" if where else ""))
    return found


def check(epubs: list[Path]) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        runs = [(epub, Path(tmp) / f"report-{i}.json") for i, epub in enumerate(epubs)]
        proc = start(runs, Path(tmp))
        output = proc.communicate()[0]
        for epub, report_file in runs:
            if not report_file.exists():
                problems.append(f"{epub}: Ace by DAISY did not finish (exit {proc.returncode}): "
                                + output.strip()[-2000:])
                continue
            problems += violations(epub, json.loads(report_file.read_text(encoding="utf-8")))
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        return gate.usage(__doc__)
    return gate.report(check([Path(a) for a in argv]), "Ace by DAISY violation(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
