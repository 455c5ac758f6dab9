"""Each edition's title, author and words, applied to the configuration.

The values that depend on the language (title, author, dates, LaTeX strings,
EPUB metadata, cover) come from ``locales/editions.toml`` (see
``edition_data``) and are applied when the configuration is ready, because
``-D language=en`` is applied after ``conf.py`` has run.  ``conf.py``
declares everything else, once.  A language without a table there (an
edition being started) takes the source language's data.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

import edition_data

SOURCE_LANGUAGE = "es"
COVERS = Path(__file__).resolve().parent.parent / "_static" / "cover"
# The name the EPUB identifiers are made from (a UUID 5 in the URL
# namespace): never change it, or every reader's library sees new books.
PROJECT_URI = "urn:mlops-handbook"


def apply_edition(app: Sphinx, config: Config) -> None:
    """Apply the data of ``config.language`` (known only after -D)."""
    editions = edition_data.load()
    lang = config.language if config.language in editions else SOURCE_LANGUAGE
    ed = editions[lang]
    config.published_languages = list(editions)
    config.project = ed["project"]
    config.author = ed["author"]
    config.copyright = f"%Y, {ed['author']}"
    config.html_title = ed["short_title"]
    # A theme option, not a message: the theme's catalogs never see it.
    config.html_theme_options = {**config.html_theme_options,
                                 "search_bar_text": ed["search_bar_text"]}
    config.numfig_format = {"figure": ed["figure_format"]}
    if "listing_format" in ed:  # Sphinx's Spanish says "Lista", the text "listado"
        config.numfig_format["code-block"] = ed["listing_format"]
    config.today_fmt = ed["today_fmt"]
    if config.citation_base_url:
        config.html_baseurl = edition_data.edition_url(config.citation_base_url, lang)
    config.epub_accessibility = {
        **config.epub_accessibility,
        "a11y:certifiedBy": [ed["author"]],
        "schema:accessibilitySummary": [ed["accessibility_summary"]],
    }
    # Stable and distinct per edition (the language actually built, even one
    # that borrows the source language's data).
    config.epub_identifier = epub_identifier(config.language)
    config.latex_documents = [
        ("index", "mlops-handbook.tex", ed["project"], ed["author"], "manual"),
    ]
    config.latex_elements["preamble"] = "\n".join([
        config.latex_elements.get("preamble", ""),
        r"\hypersetup{",
        f"  pdftitle={{{ed['project']}}},",
        f"  pdfauthor={{{ed['author']}}},",
        f"  pdfsubject={{{ed['subject']}}},",
        f"  pdfkeywords={{{ed['keywords']}}},",
        f"  pdflang={{{ed['pdf_lang']}}},",
        "}",
        f"\\renewcommand{{\\mlopsshorttitle}}{{{ed['short_title']}}}",
        f"\\renewcommand{{\\mlopseditionword}}{{{ed['edition_word']}}}",
        f"\\renewcommand{{\\mlopspublishedword}}{{{ed['published_word']}}}",
        f"\\renewcommand{{\\mlopscolophon}}{{{ed['colophon']}}}",
        f"\\renewcommand{{\\mlopsrelease}}{{{config.release}}}",
        f"\\renewcommand{{\\mlopscontentsname}}{{{ed['contents_name']}}}",
    ])
    config.latex_elements["printindex"] = (
        f"\\renewcommand{{\\indexname}}{{{ed['index_name']}}}\\printindex"
    )
    config.epub_title = ed["project"]
    config.epub_author = ed["author"]
    config.epub_publisher = ed["author"]
    config.epub_copyright = config.copyright
    config.epub_description = ed["description"]
    config.epub_cover = (f"_static/cover-{lang}.png", "epub-cover.html")
    # Each EPUB packs its own cover only (html_static_path has them all).
    config.epub_exclude_files = [*config.epub_exclude_files, *(
        f"_static/{cover.name}" for cover in sorted(COVERS.glob("cover-*.png"))
        if cover.name != f"cover-{lang}.png")]


def epub_identifier(language: str) -> str:
    """``urn:uuid:`` + a UUID made from the project and the language."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{PROJECT_URI}/{language}')}"


def setup(app: Sphinx) -> dict:
    # Before the handlers that read these values (bibliography styles: 400).
    app.connect("config-inited", apply_edition, priority=300)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
