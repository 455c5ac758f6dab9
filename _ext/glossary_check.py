"""Every glossary term is used somewhere in the book.

Sphinx already warns when a ``{term}`` points to nothing (``term not in
glossary``) and when a term is defined twice (``duplicate term
description``).  The missing third check is the unused term: a definition
no chapter links to.  The ``{term}`` references of each document, and the
terms its glossaries define, are collected while reading (and merged across
parallel readers); at the end each glossary term without a reference is a
warning at its definition line, with no document read again.
Only the terms of a ``{glossary}`` count: a definition list elsewhere in a
chapter is ordinary text.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


# Per document: env.glossary_refs, the targets of its {term} references;
# env.glossary_terms, the terms its glossaries define, as (ids, text, source).
COLLECTED = ("glossary_refs", "glossary_terms")


def collect_references(app: Sphinx, doctree: nodes.document) -> None:
    env, docname = app.env, app.env.docname
    refs = env.glossary_refs if hasattr(env, "glossary_refs") else {}
    refs[docname] = {
        node["reftarget"].lower()
        for node in doctree.findall(addnodes.pending_xref)
        if node.get("reftype") == "term"
    }
    env.glossary_refs = refs
    defined = env.glossary_terms if hasattr(env, "glossary_terms") else {}
    defined[docname] = [(tuple(term["ids"]), term.astext(), term.source)
                        for glossary in doctree.findall(addnodes.glossary)
                        for term in glossary.findall(nodes.term)]
    env.glossary_terms = defined


def purge(app: Sphinx, env, docname: str) -> None:
    for name in COLLECTED:
        getattr(env, name, {}).pop(docname, None)


def merge(app: Sphinx, env, docnames, other) -> None:
    for name in COLLECTED:
        setattr(env, name, getattr(env, name, {}))
        getattr(env, name).update({d: getattr(other, name, {}).get(d, [])
                                   for d in docnames})


def _term_line(text: str, path: str | None) -> int | None:
    """The line that defines a term: MyST leaves ``term.line`` at 0, so the
    definition is looked up in its source file (terms start a line)."""
    try:
        with open(path, encoding="utf-8") as source:
            for number, line in enumerate(source, start=1):
                if line.strip() == text:
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
    defined = getattr(env, "glossary_terms", {})
    for docname in sorted(env.found_docs):
        for ids, text, path in defined.get(docname, []):
            if not set(ids) & used:
                line = _term_line(text, path)
                location = f"{path}:{line}" if line else path
                logger.warning("glossary term %r is never used with {term}", text,
                               location=location, type="glossary_check")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", collect_references)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_unused)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
