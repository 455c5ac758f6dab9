"""A ready citation at the end of every numbered chapter, in every format.

"Cómo citar este capítulo" / "How to cite this chapter": an APA-like
reference and the same as a BibTeX entry, both made from the project
metadata (author, title, release, the date from SOURCE_DATE_EPOCH, the
chapter's number and title, and ``citation_base_url`` when it is set; with
no base URL the citations carry no URL rather than a placeholder).

In HTML each chapter page also gets Highwire Press ``citation_*`` meta tags,
which reference managers (Zotero, Mendeley) and Google Scholar read.
"""

from __future__ import annotations

import os
import time

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.i18n import format_date

import edition_data
from interface_words import _


def _epoch() -> time.struct_time:
    return time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())))


def chapter_metadata(app: Sphinx, docname: str) -> dict | None:
    """Everything a citation of ``docname`` says, or None if not a chapter."""
    env = app.env
    numbers = env.toc_secnumbers.get(docname, {})
    number = numbers.get("") or next(iter(numbers.values()), None)
    if not number:
        return None
    config = app.config
    editions = edition_data.load()
    lang = config.language if config.language in editions else "es"
    base = edition_data.edition_url(config.citation_base_url, lang)
    date = _epoch()
    return {
        "lang": lang,
        "author": config.author,
        "book": config.project,
        "release": config.release,
        "year": time.strftime("%Y", date),
        "iso_date": time.strftime("%Y-%m-%d", date),
        "date": format_date(config.today_fmt or "%Y-%m-%d", language=config.language),
        "number": ".".join(map(str, number)),
        "title": env.titles[docname].astext(),
        "url": f"{base}{docname}.html" if base else "",
        # The PDF is published inside each HTML edition (see the Makefile).
        "pdf_url": f"{base}mlops-handbook-{lang}.pdf",
        "key": f"mlops-handbook-{lang}-{docname}",
        "bibtex_language": editions[lang]["bibtex_language"],
    }


def _words() -> dict[str, str]:
    return {"heading": str(_("How to cite this chapter")), "chapter": str(_("chapter")),
            "in": str(_("In")), "edition": str(_("edition"))}


def citation_text(meta: dict) -> str:
    w = _words()
    text = (f"{meta['author']}. ({meta['year']}). {meta['title']} ({w['chapter']} "
            f"{meta['number']}). {w['in']} {meta['book']} ({w['edition']} {meta['release']}, "
            f"{meta['date']}).")
    return f"{text} {meta['url']}" if meta["url"] else text


def bibtex(meta: dict) -> str:
    fields = [
        ("author", f"{{{meta['author']}}}"),  # a team: one name, not split
        ("title", meta["book"]),
        ("chapter", meta["title"]),
        ("number", meta["number"]),
        ("edition", meta["release"]),
        ("year", meta["year"]),
        ("date", meta["iso_date"]),
        ("language", meta["bibtex_language"]),
    ]
    if meta["url"]:
        fields.append(("url", meta["url"]))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name:<{width}} = {{{value}}}" for name, value in fields)
    return f"@inbook{{{meta['key']},\n{body}\n}}"


def citation_block(meta: dict) -> nodes.container:
    w = _words()
    block = nodes.container(classes=["chapter-citation"])
    block += nodes.rubric("", w["heading"])
    para = nodes.paragraph()
    para += nodes.Text(f"{meta['author']}. ({meta['year']}). {meta['title']} "
                       f"({w['chapter']} {meta['number']}). {w['in']} ")
    para += nodes.emphasis("", meta["book"])
    para += nodes.Text(f" ({w['edition']} {meta['release']}, {meta['date']}).")
    if meta["url"]:
        para += nodes.Text(" ")
        para += nodes.reference("", meta["url"], refuri=meta["url"])
    block += para
    code = bibtex(meta)
    block += nodes.literal_block(code, code, language="bibtex", classes=["citation-bibtex"])
    return block


def add_citations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    # One document per page in HTML and EPUB; the whole book, with a
    # start_of_file marker per document, in LaTeX.
    parts = list(doctree.findall(addnodes.start_of_file)) or [doctree]
    for part in parts:
        name = part.get("docname", docname)
        meta = chapter_metadata(app, name)
        section = part.next_node(nodes.section) if meta else None
        if section is not None:
            section += citation_block(meta)


def add_meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in ("html", "dirhtml"):
        return
    meta = chapter_metadata(app, pagename)
    if meta is None:
        return
    tags = {
        "citation_title": meta["title"],
        "citation_author": meta["author"],
        "citation_inbook_title": meta["book"],
        "citation_publication_date": meta["iso_date"].replace("-", "/"),
        "citation_language": meta["lang"],
        "citation_publisher": meta["author"],
    }
    tags["citation_pdf_url"] = meta["pdf_url"]
    if meta["url"]:
        tags["citation_public_url"] = meta["url"]
    from html import escape
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta name="{name}" content="{escape(value)}" />' for name, value in tags.items())


def setup(app: Sphinx) -> dict:
    app.setup_extension("interface_words")
    app.add_config_value("citation_base_url", "", "env", types=[str])
    app.connect("doctree-resolved", add_citations)
    app.connect("html-page-context", add_meta_tags)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
