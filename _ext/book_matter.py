"""Front, main and back matter for the printed book.

LaTeX's ``book`` class numbers chapters only between ``\\mainmatter`` and
``\\backmatter``.  The ``book_matter`` setting maps a document name to the
command that must precede its first chapter, e.g.::

    book_matter = {"que-es-mlops": "mainmatter", "referencias": "backmatter"}

The command is inserted as a LaTeX-only raw node at the top of the document,
so HTML and EPUB are not affected.  Unknown commands and documents that do
not exist are reported as warnings (errors under ``-W``).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

KNOWN_COMMANDS = frozenset({"frontmatter", "mainmatter", "backmatter", "appendix"})


def insert_matter(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    command = app.config.book_matter.get(docname)
    if command is None:
        return
    if command not in KNOWN_COMMANDS:
        logger.warning(
            "book_matter: unknown command %r for %r (expected one of %s)",
            command, docname, ", ".join(sorted(KNOWN_COMMANDS)),
            location=docname, type="book_matter",
        )
        return
    raw = nodes.raw("", f"\\{command}\n", format="latex")
    doctree.insert(0, raw)


def check_documents(app: Sphinx, env) -> None:
    for docname in app.config.book_matter:
        if docname not in env.found_docs:
            logger.warning(
                "book_matter: document %r does not exist", docname,
                type="book_matter",
            )


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_matter", {}, "env", types=[dict])
    app.connect("doctree-read", insert_matter)
    app.connect("env-updated", check_documents)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
