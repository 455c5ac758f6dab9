"""Redirect pages for renamed documents, so that old links keep working.

``book/anchors.json`` (``anchors_manifest``) records, under ``moved``, each
document that was renamed, old name to new name.  Every HTML build writes
``<old>.html``, which sends the reader to ``<new>.html`` with the fragment
kept.  ``tools/check_anchors.py`` checks the manifest against the built
sites.
"""

from __future__ import annotations

import html
import json
from pathlib import Path


def load(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("moved", {})
    return data


REDIRECT = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8" />
<title>{new}</title>
<link rel="canonical" href="{new}.html" />
<meta http-equiv="refresh" content="0; url={new}.html" />
<script>location.replace("{new}.html" + location.hash);</script>
</head><body><p><a href="{new}.html">{new}.html</a></p></body></html>
"""


def write_redirects(app, exception) -> None:
    if exception or app.builder.name not in ("html", "dirhtml") or not app.config.anchors_manifest:
        return
    manifest = Path(app.confdir, app.config.anchors_manifest)
    if not manifest.exists():
        return
    for old, new in load(manifest)["moved"].items():
        page = REDIRECT.format(lang=html.escape(app.config.language), new=html.escape(new))
        (Path(app.outdir) / f"{old}.html").write_text(page, encoding="utf-8")


def setup(app) -> dict:
    app.add_config_value("anchors_manifest", "", "html", types=[str])
    app.connect("build-finished", write_redirects)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


