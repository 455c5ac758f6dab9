"""Links between editions in HTML.

``languages`` in the page context (the same page in every published edition,
for the sidebar switcher) and ``<link rel="alternate" hreflang>`` in the page
head.  EPUBs get neither: a book must not link outside its container.

Without a base URL the editions are sibling folders (``dist/html/<lang>/``)
and the links are relative, so they work from disk too.  With one
(``citation_base_url``) they are the other editions' hosted addresses: on
Read the Docs each edition is a project of its own, served at
``/<lang>/<version>/``, which no relative link from another edition can
reach.
"""

from __future__ import annotations

from sphinx.application import Sphinx

import edition_data

SOURCE_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português",
                  "fr": "Français", "de": "Deutsch", "it": "Italiano"}


def add_language_links(app: Sphinx, pagename: str, templatename: str,
                       context: dict, doctree) -> None:
    if app.builder.name not in ("html", "dirhtml"):
        return  # an EPUB must not link outside its container
    current = app.config.language
    depth = pagename.count("/") + 1  # from <lang>/<page>.html up to the site root
    # Declared by chapter_citation; fixture books may load this one alone.
    base = getattr(app.config, "citation_base_url", "")
    links = []
    for lang in app.config.published_languages:
        edition = edition_data.edition_url(base, lang) or f"{'../' * depth}{lang}/"
        links.append({
            "code": lang,
            "name": LANGUAGE_NAMES.get(lang, lang),
            "url": f"{edition}{pagename}.html",
            "current": lang == current,
        })
    context["languages"] = links
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{l["code"]}" href="{l["url"]}" />'
        for l in links if not l["current"])


def setup(app: Sphinx) -> dict:
    app.add_config_value("published_languages", [SOURCE_LANGUAGE], "html", types=[list])
    app.connect("html-page-context", add_language_links)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
