"""Keep the index entries of unchanged pages in an incremental HTML build.

Sphinx 9.0's search index builder reloads the previous ``searchindex.js``
before an incremental build (terms, titles) but not its ``indexentries``, and
the environment it pickles was saved before the pages were indexed.  So after
an incremental build the index entries of every page that was not written
again (all the glossary terms, when one chapter was edited) vanish from the
search results, and the published site differs from a clean build of the
same sources.  This loads them back with the rest; pages written again
replace theirs as usual.

The reloaded terms have a second trace: a word that an edited page no
longer contains keeps its key with an empty list of pages (``"monit": []``),
which a clean build does not write; those keys are dropped.
``tests/test_release.py`` compares a clean build with the published
(incremental) one byte for byte.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.search import IndexBuilder

_load = IndexBuilder.load


def _load_with_index_entries(self, stream, format) -> None:
    if isinstance(format, str):
        format = self.formats[format]
    frozen = format.load(stream)
    _load(self, None, _Given(frozen))  # Sphinx's own checks and loading
    docnames = frozen["docnames"]
    entries: dict[str, list[tuple[str, str, str]]] = {}
    for entry, places in frozen.get("indexentries", {}).items():
        for doc, target, main in places:
            entries.setdefault(docnames[doc], []).append((entry, target, "main" if main else ""))
    for docname, items in entries.items():
        self._index_entries.setdefault(docname, sorted(items))


_get_terms = IndexBuilder.get_terms


def _get_terms_without_empty(self, fn2index):
    # A term whose pages were all pruned maps to [] (see the docstring).
    return tuple({term: pages for term, pages in terms.items() if pages != []}
                 for terms in _get_terms(self, fn2index))


class _Given:
    """A format whose ``load`` returns the index already read."""

    def __init__(self, frozen) -> None:
        self.frozen = frozen

    def load(self, stream):
        return self.frozen


def setup(app: Sphinx) -> dict:
    IndexBuilder.load = _load_with_index_entries
    IndexBuilder.get_terms = _get_terms_without_empty
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
