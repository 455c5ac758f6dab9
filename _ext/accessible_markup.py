"""HTML and EPUB markup that assistive technology reads right.

Sphinx and docutils write two constructs that the accessibility checkers
(axe-core on the HTML pages, Ace by DAISY on the EPUB) reject; the
translator here writes them right in both formats:

* bibliography entries: docutils writes each citation as ``<div
  role="doc-biblioentry">`` inside a ``<div role="list">``.  DPUB-ARIA 1.1
  deprecated that role, a ``list`` may hold only ``listitem`` children (axe:
  aria-required-children, critical), and EPUBCheck 5 warns about every entry
  (RSC-017).  The entries become plain ARIA ``listitem`` elements;
* toctree captions (the part titles of the contents on the first page):
  ``<p class="caption" role="heading">`` without the ``aria-level`` that the
  heading role requires (aria-required-attr, critical).  They are parts of
  the page whose title is the level-1 heading, so they are level 2.

The rest of the markup is unchanged.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

CAPTION_LEVEL = 2


class AccessibleTranslator(HTML5Translator):
    def visit_citation(self, node: nodes.citation) -> None:
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname],
                                       role="listitem"))

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self.body.append(self.starttag(node, "p", "", CLASS="caption", ROLE="heading",
                                           **{"aria-level": CAPTION_LEVEL}))
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
        else:
            super().visit_title(node)


def use_translator(app: Sphinx) -> None:
    # Registered for the running builder only: pydata-sphinx-theme adds its
    # Bootstrap markup (table classes, heading levels) to the registered
    # translators if there are any, and to the HTML builder's own only if
    # there are none; a translator registered for another builder would
    # leave this one without it.  Priority 400: before the theme's hook.
    if app.builder.name in ("html", "dirhtml", "epub"):
        app.set_translator(app.builder.name, AccessibleTranslator)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", use_translator, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
