"""``{numref}`` works for equations as it does for figures, tables and code.

Sphinx resolves ``{numref}`` in its standard domain, which knows figures,
tables and code listings but not equations (those live in the math domain
and are referenced with ``{eq}``).  The label scheme (``label_scheme``)
gives every equation label the prefix ``eq-``, so a ``{numref}`` to an
``eq-`` label is handed to the math domain while reading: it prints the
equation's number, as ``{eq}`` does, in every format (``\\eqref`` in LaTeX),
and a label that names no equation is an "undefined label" warning at the
reference's file and line.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def numref_to_math(app: Sphinx, doctree: nodes.document) -> None:
    for ref in doctree.findall(addnodes.pending_xref):
        if (ref.get("refdomain") == "std" and ref.get("reftype") == "numref"
                and ref.get("reftarget", "").startswith("eq-")):
            if ref.get("refexplicit"):
                logger.warning("{numref} to equation %s prints its number only: its "
                               "text is dropped", ref["reftarget"], location=ref, type="ref")
            ref["refdomain"], ref["reftype"] = "math", "numref"


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", numref_to_math)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
