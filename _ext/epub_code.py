"""The EPUB's code as plain text when its highlighting colours nothing.

The EPUB is highlighted in Pygments' ``none`` style (the default of Sphinx's
``epub`` theme): its style sheet gives no token a colour, a weight or a
slant.  The ``<span class="n">`` that Pygments writes around every token
then change nothing a reader sees, yet they are most of the elements of a
chapter with code (1,837 of the 2,277 in "Ejemplo de principio a fin"),
and every reading system lays out each one and Ace by DAISY checks the
contrast of each one (a seventh of its CPU time on this book).

With such a style, the EPUB builder writes each block as one run of text.
Lexing is unchanged (a block that does not lex still warns, as in the
other formats), and so are emphasised lines (``hll``) and line numbers.
A ``pygments_style`` that does colour tokens keeps the spans.
"""

from __future__ import annotations

from collections.abc import Iterable

from pygments.formatters import HtmlFormatter
from pygments.style import Style
from pygments.token import Text
from sphinx.application import Sphinx


class PlainHtmlFormatter(HtmlFormatter):
    """Pygments' HTML formatter with every token written as plain text:
    consecutive text needs no span, so a block is one run of text."""

    def format_unencoded(self, tokensource: Iterable, outfile) -> None:
        super().format_unencoded(((Text, value) for _type, value in tokensource), outfile)


def colours_nothing(style: type[Style]) -> bool:
    """True when no token of ``style`` has a colour, a background, a weight,
    a slant, an underline, a border or a font of its own."""
    return not any(any(style.style_for_token(token).values()) for token in style.styles)


def plain_code(app: Sphinx) -> None:
    highlighter = getattr(app.builder, "highlighter", None)
    if app.builder.name == "epub" and highlighter is not None \
            and colours_nothing(highlighter.formatter_args["style"]):
        highlighter.formatter = PlainHtmlFormatter


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", plain_code)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
