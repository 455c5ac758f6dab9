"""Enforce the book's label scheme.

Every label is explicit, lowercase ASCII and carries a type prefix:

* ``cap-<slug>`` on the title of each chapter (one per document),
* ``sec-<slug>`` on every section inside a chapter,
* ``fig-<slug>`` on figures,
* ``tab-<slug>`` on tables, ``code-<slug>`` on code listings and
  ``eq-<slug>`` on equations (``:name:``, or ``:label:`` of ``{math}``).

A label of the wrong kind (``:name: fig-x`` on a table) is a violation too.

Labels never derive from title text, so retitling or translating a section
never breaks a link to it.  Each violation is a warning (an error under
``-W``) that names the file and line.  The documents that are not chapters
(the root page) are listed in ``label_scheme_exempt``.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

PREFIXES = ("cap", "sec", "fig", "tab", "code", "eq")
LABEL = re.compile(rf"^({'|'.join(PREFIXES)})-[a-z0-9]+(-[a-z0-9]+)*$")
SCHEME = "/".join(p + "-" for p in PREFIXES) + "<slug>"
# Sphinx gives an equation labelled x the id equation-x.
EQUATION_ID = "equation-"


def _kind(node: nodes.Element) -> str | None:
    """The prefix a label on ``node`` must have, or None when any will do."""
    if isinstance(node, nodes.figure):
        return "fig"
    if isinstance(node, nodes.table):
        return "tab"
    if isinstance(node, nodes.literal_block) or (
            isinstance(node, nodes.container) and node.get("literal_block")):
        return "code"
    if isinstance(node, nodes.math_block):
        return "eq"
    return None


def _complain(label: str, node: nodes.Element, kind: str | None) -> None:
    if not LABEL.match(label):
        logger.warning("label %r does not follow the scheme %s (lowercase ASCII letters, "
                       "digits, hyphens)", label, SCHEME, location=node, type="label_scheme")
    elif kind and not label.startswith(kind + "-"):
        what = {"fig": "figure", "tab": "table", "code": "code listing", "eq": "equation"}[kind]
        logger.warning("label %r is on a %s: its label starts with %s-", label, what, kind,
                       location=node, type="label_scheme")


def _label_name(target: nodes.target, document: nodes.document) -> str:
    """The label as written: docutils keeps it (lowercased) among the names
    of the element the target points to; ``refid`` is only its id form."""
    refid = target["refid"]
    element = document.ids.get(refid)
    for name in element.get("names", []) if element is not None else []:
        if nodes.make_id(name) == refid:
            return name
    return refid


def _explicit_labels(section: nodes.Element) -> list[str]:
    """Labels written as ``(label)=`` right before ``section``."""
    parent = section.parent
    labels: list[str] = []
    # The target is either a preceding sibling or the last child of the
    # previous section (MyST keeps it in the section it was written in).
    prev = parent[parent.index(section) - 1] if parent.index(section) > 0 else None
    while prev is not None:
        if isinstance(prev, nodes.target) and prev.get("refid") in section["ids"]:
            labels.append(_label_name(prev, section.document))
            prev = prev.previous_sibling()
        elif isinstance(prev, nodes.section) and len(prev):
            prev = prev[-1]
        else:
            break
    return labels


def check_labels(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    for target in doctree.findall(nodes.target):
        if not target.get("refid") or target["refid"].startswith(("index-", "id")):
            continue
        if target["refid"].startswith(EQUATION_ID):
            continue  # checked on the equation itself, below
        label = _label_name(target, doctree)
        element = doctree.ids.get(target["refid"])
        _complain(label, target, _kind(element) if element is not None else None)
    for math in doctree.findall(nodes.math_block):
        if math.get("label"):
            _complain(math["label"], math, "eq")
    # Labels given as :name: on the element itself (figures, tables, code).
    for name, explicit in doctree.nametypes.items():
        element = doctree.ids.get(doctree.nameids.get(name) or "")
        if not explicit or element is None or isinstance(
                element, (nodes.section, nodes.footnote, nodes.citation, nodes.target)):
            continue
        if any(isinstance(t, nodes.target) and t.get("refid") in element["ids"]
               for t in [element.previous_sibling()] if t is not None):
            continue  # written as (label)= above it: checked with the targets
        _complain(name, element, _kind(element))
    if docname in app.config.label_scheme_exempt:
        return
    for section in doctree.findall(nodes.section):
        depth = 0
        parent = section.parent
        while isinstance(parent, nodes.section):
            depth, parent = depth + 1, parent.parent
        prefix = "cap-" if depth == 0 else "sec-"
        labels = _explicit_labels(section)
        if not any(label.startswith(prefix) for label in labels):
            title = section.next_node(nodes.title)
            logger.warning(
                "%s %r has no explicit %s label (write (%s<slug>)= above it)",
                "chapter" if depth == 0 else "section",
                title.astext() if title else "?", prefix + "...", prefix,
                location=title or section, type="label_scheme",
            )


def setup(app: Sphinx) -> dict:
    app.add_config_value("label_scheme_exempt", [], "env", types=[list])
    app.connect("doctree-read", check_labels)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
