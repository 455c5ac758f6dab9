"""Warn when a chapter ends inside a code fence.

A fence left open runs to the end of the document (CommonMark's rule) and
swallows the rest of the chapter as code; the build would succeed and the
reader would find half a chapter printed as a listing.  Each source is
parsed with markdown-it (MyST's own parser, CommonMark rules) and a fence
(```` ``` ````, ``~~~``, or MyST's ``:::``) that reaches the last line
without its closing marker is reported where it opens:

    book/ventajas.md:12: WARNING: this code fence is never closed: it runs to the end of the file [open_fence]
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
_PARSER = MarkdownIt("commonmark").use(colon_fence_plugin)


def unclosed_fences(text: str) -> list[int]:
    """1-based lines where a fence opens that has no closing marker."""
    lines = text.splitlines()
    found = []
    for token in _PARSER.parse(text):
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        start, end = token.map
        last = lines[end - 1].strip() if end - 1 > start and end - 1 < len(lines) else ""
        marker = token.markup
        closed = (end - 1 > start and last.startswith(marker)
                  and set(last) <= {marker[0]})
        if not closed:
            found.append(start + 1)
    return found


def _check(app: Sphinx, docname: str, source: list[str]) -> None:
    if not str(app.env.doc2path(docname)).endswith(".md"):
        return
    for line in unclosed_fences(source[0]):
        logger.warning("this code fence is never closed: it runs to the end of the file",
                       location=(docname, line), type="open_fence")


def setup(app: Sphinx) -> dict:
    app.connect("source-read", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
