"""``{index}`` anchors numbered in reading order, the same in every edition."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform


class StableIndexIds(SphinxTransform):
    """Number the ``{index}`` targets of each page in reading order.

    Sphinx numbers them as they are parsed, and a translated message is
    parsed again later, so ``index-0`` in Spanish could be ``index-2`` in
    English.  Renumbered in document order, the anchors are the same in
    every edition.
    """

    default_priority = 30  # after Locale (20) has parsed the translations

    def apply(self, **kwargs) -> None:
        renamed = {}
        for target in self.document.findall(nodes.target):
            for i, old in enumerate(target["ids"]):
                if old.startswith("index-") and old[6:].isdigit():
                    new = f"index-{len(renamed)}"
                    renamed[old] = new
                    target["ids"][i] = new
        if not renamed:
            return
        for node in self.document.findall(addnodes.index):
            node["entries"] = [(kind, value, renamed.get(tid, tid), main, key)
                               for kind, value, tid, main, key in node["entries"]]
        for old, new in renamed.items():
            element = self.document.ids.pop(old, None)
            if element is not None:
                self.document.ids[new] = element


def setup(app: Sphinx) -> dict:
    app.add_transform(StableIndexIds)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
