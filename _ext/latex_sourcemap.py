"""Mark the LaTeX output with the Markdown file and line each block came from.

Before every section and paragraph, a LaTeX comment such as::

    %% source: book/que-es-mlops.md:12

is inserted (as a LaTeX-only raw node, so other builders never see it).
When LaTeX stops on an error, ``tools/latex_run.py`` reads back from the
failing line of the ``.tex`` file to the nearest marker and reports the
Markdown file and line instead of only the generated ``.tex`` position.
"""

from __future__ import annotations

import os

from docutils import nodes
from sphinx.application import Sphinx

MARKER = "%% source: "
BLOCKS = (nodes.section, nodes.paragraph, nodes.raw, nodes.literal_block,
          nodes.table, nodes.figure, nodes.admonition)


def mark_sources(app: Sphinx, doctree: nodes.document) -> None:
    if app.builder.format != "latex":
        return
    srcdir = os.path.dirname(app.srcdir) or "."
    for node in list(doctree.findall(lambda n: isinstance(n, BLOCKS))):
        if isinstance(node, nodes.raw) and "latex" not in node.get("format", ""):
            continue
        source, line = node.source, node.line
        if not source or not line or node.parent is None:
            continue
        if isinstance(node.parent, (nodes.table, nodes.entry, nodes.title)):
            continue
        rel = os.path.relpath(source, srcdir)
        marker = nodes.raw("", f"\n{MARKER}{rel}:{line}\n", format="latex")
        if isinstance(node, nodes.section):
            # Inside the section, before its title: a label target right
            # before a section must stay adjacent to it, or the LaTeX writer
            # defines the label twice.
            node.insert(0, marker)
            continue
        index = node.parent.index(node)
        while index > 0 and isinstance(node.parent[index - 1], nodes.target):
            index -= 1
        node.parent.insert(index, marker)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", mark_sources)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
