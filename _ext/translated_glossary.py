"""Sorted glossaries sorted again after translation.

``:sorted:`` orders the Spanish terms while parsing, before the catalogs
replace them; this sorts each translated glossary by its own terms, accents
folded.
"""

from __future__ import annotations

import unicodedata

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

SOURCE_LANGUAGE = "es"


def _sort_key(term: nodes.definition_list_item) -> str:
    text = term[0].astext() if len(term) else ""
    folded = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


class SortTranslatedGlossary(SphinxTransform):
    """Sort ``:sorted:`` glossaries again once the terms are translated."""

    default_priority = 25  # after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        if self.config.language == SOURCE_LANGUAGE:
            return
        for glossary in self.document.findall(addnodes.glossary):
            if not glossary.get("sorted"):
                continue
            for dlist in glossary.findall(nodes.definition_list):
                dlist.children.sort(key=_sort_key)


def setup(app: Sphinx) -> dict:
    app.add_transform(SortTranslatedGlossary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
