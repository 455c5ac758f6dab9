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


def setup(app: Sphinx) -> dict:
    app.set_translator("epub", EpubTranslator)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
