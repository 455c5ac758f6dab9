"""Translate the cells of tables written inside a directive.

MyST gives the cells of a table no source file when the table is parsed
inside a directive, as ``{table}`` (the way to give a table a caption) or
``{list-table}``; only the table itself keeps one.  Sphinx skips every text
element without a source (``sphinx.util.nodes.is_translatable``), so the
gettext builder left those cells out of the catalogs and the other editions
printed them in Spanish.  (Same cause as executablebooks/sphinx-design#234.)

This transform runs before Sphinx's ``Locale`` transform (priority 20) and
gives every text element of a table that lacks a source the table's source
and line, which is where the author wrote it.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.typing import ExtensionMetadata


class TableCellSources(SphinxTransform):
    # Before sphinx.transforms.i18n.PreserveTranslatableMessages (10) and
    # Locale (20), which look for translatable text by its source.
    default_priority = 5

    def apply(self, **kwargs) -> None:
        for table in self.document.findall(nodes.table):
            if not table.source:
                continue
            for node in table.findall(nodes.TextElement):
                if node.source is None:
                    node.source, node.line = table.source, table.line


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_transform(TableCellSources)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
