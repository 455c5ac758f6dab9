"""Bibliography formatted in the language of the edition.

pybtex's styles write English ("and", "In", "visited on", "pages").  When
the configuration is ready (``-D language=en`` is only known then), this
module makes and registers, for the language being built, a pybtex
formatting style ``mlops-<lang>`` and a sphinxcontrib-bibtex referencing
style ``author-year-<lang>``, and picks them.  The words come from the
``handbook`` catalogs (``interface_words``), the long dates from Babel.

Spanish: "Kreuzberger, Kühl y Hirschl", "En: ...", "Consultado el 26 de
noviembre de 2026".  English: "and", "In: ...", "Accessed November 26, 2026".
``@online`` entries get a template of their own (author or organisation,
title, site, year, URL, access date).
"""

from __future__ import annotations

import dataclasses
import datetime

import sphinxcontrib.bibtex.plugin
from pybtex.plugin import find_plugin, register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle, date, pages
from pybtex.style.formatting import toplevel
from pybtex.style.template import field, join, names, optional, sentence, words
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from babel.dates import format_date

from interface_words import _


def _words() -> dict[str, str]:
    """The edition's words (interface_words catalogs), read when the styles
    are made for the language being built."""
    return {"and": str(_(" and ")), "last_and": str(_(", and ")), "in": str(_("In:")),
            "pages": str(_("pp.")), "accessed": str(_("Accessed {date}"))}


def style_for(lang: str) -> type[UnsrtStyle]:
    w = _words()

    def long_date(iso: str) -> str:
        # "26 de noviembre de 2026", "November 26, 2026": Babel's long date.
        return format_date(datetime.date.fromisoformat(str(iso)), "long", locale=lang)

    class Style(UnsrtStyle):
        default_sorting_style = "author_year_title"

        def format_names(self, role, as_sentence=True):

            formatted = names(role, sep=", ", sep2=w["and"], last_sep=w["last_and"])
            return sentence[formatted] if as_sentence else formatted

        def format_title(self, e, which, as_sentence=True):
            # Titles are kept as written: pybtex's sentence case would turn
            # "¿Qué es MLOps?" into "¿qué es MLOps?".
            title = field(which)
            return sentence[title] if as_sentence else title

        def format_web_refs(self, e):
            accessed = field("urldate", apply_func=lambda d: w["accessed"].format(date=long_date(d)))
            return join(sep=" ")[
                optional[sentence[self.format_url(e)]],
                optional[sentence[accessed]],
                optional[sentence[self.format_doi(e)]],
            ]

        def get_inproceedings_template(self, e):
            return toplevel[
                sentence[self.format_names("author")],
                self.format_title(e, "title"),
                words[w["in"], sentence[
                    self.format_btitle(e, "booktitle", as_sentence=False),
                    optional[words[w["pages"], pages]],
                ]],
                sentence[optional[field("publisher")], date],
                self.format_web_refs(e),
            ]

        def get_online_template(self, e):
            return toplevel[
                sentence[self.format_names("author")],
                self.format_title(e, "title"),
                sentence[optional[field("organization")], date],
                self.format_web_refs(e),
            ]

    Style.__name__ = f"MlopsStyle_{lang}"
    return Style


def reference_style_for(lang: str) -> type[AuthorYearReferenceStyle]:
    w = _words()

    def make_person() -> PersonStyle:
        return PersonStyle(sep2=w["and"], last_sep=w["last_and"])

    @dataclasses.dataclass
    class ReferenceStyle(AuthorYearReferenceStyle):
        person: PersonStyle = dataclasses.field(default_factory=make_person)

    return ReferenceStyle


def choose_styles(app: Sphinx, config) -> None:
    """Make and register the styles of the language being built."""
    lang = config.language
    register_plugin("pybtex.style.formatting", f"mlops-{lang}", style_for(lang), force=True)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", f"author-year-{lang}",
        reference_style_for(lang), force=True)
    config.bibtex_default_style = f"mlops-{lang}"
    config.bibtex_reference_style = f"author-year-{lang}"
    # sphinxcontrib-bibtex asks pybtex for its plain-text backend at every
    # citation it resolves, and pybtex answers by scanning the entry points
    # of every installed package (157 times in a LaTeX build of this book:
    # 1.6 s of its 5).  A plugin registered at run time is found first.
    register_plugin("pybtex.backends", "plaintext", find_plugin("pybtex.backends", "plaintext"),
                    force=True)


def setup(app: Sphinx) -> dict:
    app.setup_extension("interface_words")
    # Before sphinxcontrib.bibtex reads the settings (priority < 500).
    app.connect("config-inited", choose_styles, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
