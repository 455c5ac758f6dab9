"""Run latexmk on a Sphinx LaTeX build and report errors by source file.

    python tools/latex_run.py _build/es/latex/mlops-handbook.tex

Runs ``latexmk`` through the Makefile and ``latexmkrc`` that Sphinx writes
beside the ``.tex`` (engine and xindy settings) with ``-halt-on-error`` and
``-file-line-error``.  On failure it prints each LaTeX error with the
Markdown file and line that produced it (see ``latex_sourcemap``) and the
``.tex`` position, then exits 1.  It also fails when the log reports a
missing glyph, so a character the fonts lack never goes unnoticed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SOURCE_MARKER = "%% source: "
# "./mlops-handbook.tex:123: Undefined control sequence."
ERROR_LINE = re.compile(r"^(?:\./)?(?P<file>[^:\s]+\.tex):(?P<line>\d+): (?P<msg>.*)$")
MISSING_CHAR = re.compile(r"^Missing character: There is no (?P<char>.+?) in font (?P<font>.+?)!$")


def source_of(tex: Path, line: int) -> str | None:
    """The nearest source marker at or above ``line`` in ``tex``."""
    try:
        lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for text in reversed(lines[: max(line, 0)]):
        if text.startswith(SOURCE_MARKER):
            return text[len(SOURCE_MARKER):].strip()
    return None


def log_errors(log_text: str, texdir: Path) -> list[str]:
    messages = []
    for raw in log_text.splitlines():
        m = ERROR_LINE.match(raw)
        if m:
            tex = texdir / m["file"]
            src = source_of(tex, int(m["line"]))
            where = f"{src}: " if src else ""
            messages.append(f"{where}LaTeX error: {m['msg']} ({m['file']}:{m['line']})")
    return messages


def missing_glyphs(log_text: str) -> list[str]:
    return sorted({f"missing glyph {m['char']} in font {m['font']}"
                   for m in map(MISSING_CHAR.match, log_text.splitlines()) if m})


def main(argv: list[str]) -> int:
    tex = Path(argv[1])
    texdir, name = tex.parent, tex.stem
    # Sphinx's Makefile sets XINDYOPTS (language, sphinx.xdy) for its
    # latexmkrc; -xelatex overrides Debian's /etc/LatexMk (lualatex).
    opts = "-xelatex -halt-on-error -file-line-error -interaction=nonstopmode -silent"
    cmd = ["make", "--no-print-directory", f"{name}.pdf", f"LATEXMKOPTS={opts}"]
    proc = subprocess.run(cmd, cwd=texdir, capture_output=True, text=True,
                          errors="replace")
    log = texdir / f"{name}.log"
    log_text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if proc.returncode != 0:
        errors = log_errors(log_text, texdir) or log_errors(proc.stdout, texdir)
        for message in errors or [proc.stdout[-3000:] + proc.stderr[-2000:]]:
            print(f"{tex}: {message}" if not message.startswith(("book", "/")) else message,
                  file=sys.stderr)
        print(f"error: LaTeX failed; {tex.with_suffix('.pdf')} was not published "
              f"(full log: {log})", file=sys.stderr)
        return 1
    glyphs = missing_glyphs(log_text)
    if glyphs:
        for g in glyphs:
            print(f"{log}: {g}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
