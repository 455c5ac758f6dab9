"""Long code lines, wide tables, long URLs and SVG images in print and EPUB.

What an author writes in MyST must not be cut off in any format.  Sphinx's
defaults keep the web page right and leave these to each builder:

* LaTeX: a code line with no space to break at runs into the margin unless
  ``verbatimforcewraps`` lets Sphinx break it anywhere (with a hook at the
  break); a long URL breaks only at slashes unless ``xurl`` lets it break
  between any two characters.
* LaTeX: a wide table without ``:widths:`` is set by ``tabulary``, which
  squeezes a column of short words down to a syllable per line ("Pla-ta-
  for-ma") and overflows; every column gets at least ``TABLE_MIN_COLUMN``.
* LaTeX: an SVG image cannot be included at all; ``sphinxcontrib.rsvgconverter``
  (sphinxcontrib-svg2pdfconverter) turns it into a PDF at build time with
  ``rsvg-convert`` (Debian: librsvg2-bin) through Sphinx's image converter.
* EPUB: Sphinx's EPUB style sheet keeps code on one line (``white-space:
  pre``) and lets a wide table overflow the screen; ``_static/epub/
  constructs.css`` wraps both.

Long tables need nothing: Sphinx sets a table of more than 30 rows as a
``longtable``, which breaks across pages and repeats the header row.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

EPUB_STATIC = Path(__file__).resolve().parent.parent / "_static" / "epub"
EPUB_CSS = "constructs.css"
SPHINXSETUP = "verbatimforcewraps=true"
TABLE_MIN_COLUMN = r"\setlength{\tymin}{5em}"


def _latex(app: Sphinx, config: Config) -> None:
    setup = config.latex_elements.get("sphinxsetup", "")
    if "verbatimforcewraps" not in setup:
        config.latex_elements = {**config.latex_elements,
                                 "sphinxsetup": ", ".join(filter(None, [setup, SPHINXSETUP]))}
    preamble = config.latex_elements.get("preamble", "")
    if TABLE_MIN_COLUMN not in preamble:
        config.latex_elements["preamble"] = preamble + "\n" + TABLE_MIN_COLUMN


def _epub(app: Sphinx) -> None:
    if app.builder.name == "epub":
        app.config.html_static_path = [*app.config.html_static_path, str(EPUB_STATIC)]
        app.add_css_file(EPUB_CSS)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.rsvgconverter")
    app.add_latex_package("xurl")
    app.connect("config-inited", _latex)
    app.connect("builder-inited", _epub)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
