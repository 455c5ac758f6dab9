"""Every glossary term is used somewhere in the book.

Sphinx already warns when a ``{term}`` points to nothing (``term not in
glossary``) and when a term is defined twice (``duplicate term
description``).  The missing third check is the unused term: a definition
no chapter links to.  The ``{term}`` references of each document are
collected while reading (and merged across parallel readers); at the end
each glossary term without a reference is a warning at its definition line.
Only the terms of a ``{glossary}`` count: a definition list elsewhere in a
chapter is ordinary text.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def collect_references(app: Sphinx, doctree: nodes.document) -> None:
    refs = app.env.glossary_refs if hasattr(app.env, "glossary_refs") else {}
    refs[app.env.docname] = {
        node["reftarget"].lower()
        for node in doctree.findall(addnodes.pending_xref)
        if node.get("reftype") == "term"
    }
    app.env.glossary_refs = refs


def purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "glossary_refs", {}).pop(docname, None)


def merge(app: Sphinx, env, docnames, other) -> None:
    env.glossary_refs = getattr(env, "glossary_refs", {})
    env.glossary_refs.update({d: getattr(other, "glossary_refs", {}).get(d, set())
                              for d in docnames})


def _term_line(term: nodes.term) -> int | None:
    """The line that defines ``term``: MyST leaves ``term.line`` at 0, so the
    definition is looked up in its source file (terms start a line)."""
    try:
        with open(term.source, encoding="utf-8") as source:
            for number, line in enumerate(source, start=1):
                if line.strip() == term.astext():
                    return number
    except (OSError, TypeError):
        pass
    return None


def check_unused(app: Sphinx, env) -> None:
    # Compare anchors, not texts: in a translated edition the term reads
    # "model registry" while references still target "registro de modelos";
    # the standard domain knows both texts, and both lead to the same id.
    terms = env.domains.standard_domain._terms
    used = {terms[target][1] for target in set().union(*getattr(env, "glossary_refs", {}).values())
            if target in terms}
    for doctree_name in sorted(env.found_docs):
        doctree = env.get_doctree(doctree_name)
        glossary_terms = (term for glossary in doctree.findall(addnodes.glossary)
                          for term in glossary.findall(nodes.term))
        for term in glossary_terms:
            if not set(term["ids"]) & used:
                line = _term_line(term)
                location = f"{term.source}:{line}" if line else term.source
                logger.warning("glossary term %r is never used with {term}", term.astext(),
                               location=location, type="glossary_check")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", collect_references)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_unused)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
