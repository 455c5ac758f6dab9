"""Each chapter and section label is a named destination in the PDF.

``mlops-handbook-es.pdf#cap-principios`` then opens the chapter in PDF
viewers that honour named destinations (Acrobat, Chromium, Firefox).
Sphinx's own LaTeX anchors are named after the document and counters, so
for every ``cap-``/``sec-`` label a ``\\hypertarget`` with the label's
plain name goes at the start of the section's first paragraph (a target of
its own would add an empty paragraph).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

PREFIXES = ("cap-", "sec-")


def add_destinations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex":
        return
    for section in doctree.findall(nodes.section):
        labels = [i for i in section["ids"] if i.startswith(PREFIXES)]
        para = section.next_node(nodes.paragraph)
        if not labels or para is None:
            continue
        marks = "".join(rf"\hypertarget{{{label}}}{{}}" for label in labels)
        para.insert(0, nodes.raw("", marks, format="latex"))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", add_destinations)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
