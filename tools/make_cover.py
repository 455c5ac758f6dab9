"""Render the EPUB cover of each edition to ``_static/cover/cover-<lang>.png``.

The cover is an HTML page (typeset by the system's Chromium, with local
fonts only) screenshotted at 1600x2400, the portrait ratio e-readers expect.
Run through ``make covers``; the PNGs are committed so that a normal build
does not need a browser for them.

    python tools/make_cover.py es en
"""

from __future__ import annotations

import html
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><style>
html, body {{ margin: 0; width: 1600px; height: 2400px; }}
body {{ background: #0d4073; color: #fff; font-family: 'TeX Gyre Heros', 'DejaVu Sans', sans-serif;
        display: flex; flex-direction: column; justify-content: space-between; box-sizing: border-box;
        padding: 180px 140px; }}
.rule {{ height: 14px; background: #f2b33d; width: 100%; }}
h1 {{ font-size: 150px; line-height: 1.05; margin: 60px 0 40px; font-weight: bold; }}
h2 {{ font-size: 78px; line-height: 1.2; margin: 0; font-weight: normal; color: #d8e6f3; }}
.author {{ font-size: 60px; color: #d8e6f3; }}
.edition {{ font-size: 48px; margin-top: 24px; color: #f2b33d; }}
</style></head><body>
<div><div class="rule"></div><h1>{head}</h1><h2>{tail}</h2></div>
<div><div class="author">{author}</div><div class="edition">{edition} {release}</div></div>
</body></html>
"""

def render(lang: str) -> Path:
    import tomllib

    import edition_data  # the single source of titles, authors and words

    ed = edition_data.load()[lang]
    release = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    head, _, tail = ed["project"].partition(": ")
    page = TEMPLATE.format(
        lang=lang, head=html.escape(head), tail=html.escape(tail.capitalize()),
        author=html.escape(ed["author"]), edition=html.escape(ed["edition_word"]),
        release=html.escape(release),
    )
    out = ROOT / "_static" / "cover" / f"cover-{lang}.png"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "cover.html"
        src.write_text(page, encoding="utf-8")
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp}/profile", "--hide-scrollbars",
             "--window-size=1600,2400", f"--screenshot={out}", src.as_uri()],
            check=True, capture_output=True,
        )
    return out


if __name__ == "__main__":
    for lang in sys.argv[1:] or ["es"]:
        print(render(lang))
