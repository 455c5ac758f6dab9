"""Bibliography entries without the deprecated ``doc-biblioentry`` role.

docutils writes each citation as ``<div role="doc-biblioentry">`` inside a
``<div role="list">``.  DPUB-ARIA 1.1 deprecated that role, and EPUBCheck 5
warns about every entry (RSC-017).  The EPUB writer here emits the plain
ARIA ``listitem`` role that the ``list`` wrapper calls for instead; the rest
of the markup is unchanged, so the entries read the same in every format.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator


class EpubTranslator(HTML5Translator):
    def visit_citation(self, node: nodes.citation) -> None:
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname],
                                       role="listitem"))


def use_for_epub(app: Sphinx) -> None:
    # Registered only when building the EPUB: pydata-sphinx-theme adds its
    # Bootstrap markup (table classes, heading levels) to the registered
    # translators if there are any, and to the HTML builder's own only if
    # there are none; an EPUB translator registered in every build left the
    # HTML pages without it.  Priority 400: before the theme's hook.
    if app.builder.name == "epub":
        app.set_translator("epub", EpubTranslator)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", use_for_epub, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
