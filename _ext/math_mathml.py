"""Math as MathML, made at build time, for the HTML site and the EPUB.

Sphinx's default HTML math renderer leaves TeX in the page for MathJax to
typeset in the browser, loading MathJax from a CDN; e-readers run no
MathJax at all and would show the TeX.  This renderer converts every
formula to MathML while writing (latex2mathml, from PyPI), so the page and
the EPUB carry the formula itself, which browsers and EPUB 3 reading
systems render natively, with nothing loaded from anywhere.  The TeX stays
in the ``alttext`` attribute for screen readers and for copying.  LaTeX
typesets the same source itself.

A command the converter does not know would come out as its TeX name
(``\\foo``) inside the MathML: that is a warning at the formula's file and
line, so no raw TeX reaches a reader.
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from latex2mathml.converter import convert
from lxml import etree
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

MATHML = "http://www.w3.org/1998/Math/MathML"
# latex2mathml knows amsmath's split but not aligned, and numbers align by
# itself; the number of a display comes from Sphinx, so both are split.
ENVIRONMENTS = re.compile(r"\\(begin|end)\{(aligned|align\*?|equation\*?|gather\*?)\}")
UNKNOWN = re.compile(r"\\[A-Za-z]+")


def to_mathml(tex: str, display: str, node: nodes.Element) -> str:
    """``tex`` as a ``<math>`` element; a warning names what failed."""
    def env(m: re.Match) -> str:
        return "" if m[2].startswith("equation") else f"\\{m[1]}{{split}}"
    source = ENVIRONMENTS.sub(env, tex.strip())
    try:
        math = etree.fromstring(convert(source, display=display))
    except Exception as err:  # noqa: BLE001 - latex2mathml raises many kinds
        logger.warning("math not understood (%s: %s): %s", type(err).__name__, err, tex,
                       location=node, type="math")
        return f'<code class="math-error">{html.escape(tex)}</code>'
    leftover = sorted({m for text in math.itertext() for m in UNKNOWN.findall(text)})
    if leftover:
        logger.warning("math command(s) %s not understood in: %s", ", ".join(leftover), tex,
                       location=node, type="math")
    math.set("alttext", " ".join(tex.split()))
    return etree.tostring(math, encoding="unicode")


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(to_mathml(node.astext(), "inline", node))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    # A display wider than the screen scrolls sideways (overflow-x in the
    # EPUB's constructs.css): focusable, so that a keyboard can scroll it
    # (Ace's and axe's scrollable-region-focusable).
    self.body.append(self.starttag(node, "div", CLASS="math", tabindex="0"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    # Sphinx's convention: paragraphs of a display are equations aligned
    # one under the other.
    parts = [p for p in node.astext().split("\n\n") if p.strip()]
    tex = (r"\begin{split}" + r"\\".join(parts) + r"\end{split}"
           if len(parts) > 1 or (r"\\" in node.astext() and not ENVIRONMENTS.search(node.astext()))
           else node.astext())
    self.body.append(to_mathml(tex, "block", node))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
