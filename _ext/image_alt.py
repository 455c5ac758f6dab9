"""Every image has alt text.

A reader who cannot see a picture gets its alt text instead (screen
readers, the EPUB's accessibility promise "alternativeText").  Diagrams
already require ``:alt:`` (``diagrams``); this holds every other image to
the same rule: an ``{image}`` or ``{figure}`` without ``:alt:``, or a
Markdown image ``![](x.png)`` with empty brackets, is a warning (an error
under ``-W``) at its file and line.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def check_alt(app: Sphinx, doctree: nodes.document) -> None:
    for image in doctree.findall(nodes.image):
        if not (image.get("alt") or "").strip():
            logger.warning("image %r has no alt text: describe it with :alt: (or "
                           "![description](...) in Markdown)", image.get("uri", "?"),
                           location=image if image.line else image.parent, type="image_alt")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", check_alt)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
