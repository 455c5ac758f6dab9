"""What a translated edition needs beyond the catalogs.

* A notice when an edition is built from incomplete catalogs: Sphinx falls
  back to Spanish for each untranslated or fuzzy message, silently; this
  prints how much is missing (it is not a failure: the tests hold the
  published languages to 100 %).
* Sorted glossaries sorted again after translation: ``:sorted:`` orders
  the Spanish terms while parsing, before the catalogs replace them.
* ``{index}`` anchors numbered in reading order, the same in every edition.
* Links between editions in HTML: ``languages`` in the page context (the
  same page in every published edition, for the sidebar switcher) and
  ``<link rel="alternate" hreflang>`` in the page head.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

import i18n_stats

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português",
                  "fr": "Français", "de": "Deutsch", "it": "Italiano"}


def check_catalog_syntax(locale_dir: Path, lang: str) -> None:
    """Sphinx reads a malformed catalog without a word and falls back to
    Spanish; ``msgfmt --check`` names the file and line instead."""
    for po in i18n_stats.catalogs(locale_dir, lang):
        proc = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                              capture_output=True, text=True)
        if proc.returncode == 0:
            continue
        for line in proc.stderr.splitlines():
            match = re.match(r"(.+?):(\d+): (.*)", line)
            if match:
                logger.error(match.group(3), location=f"{match.group(1)}:{match.group(2)}")
            elif line and "found" not in line:
                logger.error(f"{po}: {line}")


def report_completeness(app: Sphinx) -> None:
    lang = app.config.language
    if lang == SOURCE_LANGUAGE or app.builder.name == "gettext":
        return
    locale_dir = Path(app.srcdir, app.config.locale_dirs[0]).resolve() \
        if app.config.locale_dirs else None
    if locale_dir is not None:
        check_catalog_syntax(locale_dir, lang)
    if locale_dir is None or not i18n_stats.catalogs(locale_dir, lang):
        _notice(f"edition '{lang}': no catalogs in {locale_dir}/{lang}; "
                f"the whole text stays in Spanish (make update-po LANGS={lang})")
        return
    total, _ = i18n_stats.language_stats(locale_dir, lang)
    missing = total.untranslated + total.fuzzy
    if missing:
        _notice(f"edition '{lang}': {total.translated} of {total.total} messages "
                f"translated ({total.percent:.1f} %); {total.untranslated} untranslated "
                f"and {total.fuzzy} fuzzy messages fall back to Spanish "
                f"(details: make i18n-stats LANGS={lang})")


def _notice(message: str) -> None:
    # On stderr even under -q: a partial edition must not go unnoticed.
    print(f"notice: {message}", file=sys.stderr, flush=True)


def _sort_key(term: nodes.definition_list_item) -> str:
    text = term[0].astext() if len(term) else ""
    folded = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


class SortTranslatedGlossary(SphinxTransform):
    """Sort ``:sorted:`` glossaries again once the terms are translated."""

    default_priority = 25  # after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        if self.config.language == SOURCE_LANGUAGE:
            return
        for glossary in self.document.findall(addnodes.glossary):
            if not glossary.get("sorted"):
                continue
            for dlist in glossary.findall(nodes.definition_list):
                dlist.children.sort(key=_sort_key)


class StableIndexIds(SphinxTransform):
    """Number the ``{index}`` targets of each page in reading order.

    Sphinx numbers them as they are parsed, and a translated message is
    parsed again later, so ``index-0`` in Spanish could be ``index-2`` in
    English.  Renumbered in document order, the anchors are the same in
    every edition.
    """

    default_priority = 30  # after Locale (20) has parsed the translations

    def apply(self, **kwargs) -> None:
        renamed = {}
        for target in self.document.findall(nodes.target):
            for i, old in enumerate(target["ids"]):
                if old.startswith("index-") and old[6:].isdigit():
                    new = f"index-{len(renamed)}"
                    renamed[old] = new
                    target["ids"][i] = new
        if not renamed:
            return
        for node in self.document.findall(addnodes.index):
            node["entries"] = [(kind, value, renamed.get(tid, tid), main, key)
                               for kind, value, tid, main, key in node["entries"]]
        for old, new in renamed.items():
            element = self.document.ids.pop(old, None)
            if element is not None:
                self.document.ids[new] = element


def add_language_links(app: Sphinx, pagename: str, templatename: str,
                       context: dict, doctree) -> None:
    if app.builder.name not in ("html", "dirhtml"):
        return  # an EPUB must not link outside its container
    current = app.config.language
    depth = pagename.count("/") + 1  # from <lang>/<page>.html up to the site root
    up = "../" * depth
    links = []
    for lang in app.config.published_languages:
        links.append({
            "code": lang,
            "name": LANGUAGE_NAMES.get(lang, lang),
            "url": f"{up}{lang}/{pagename}.html",
            "current": lang == current,
        })
    context["languages"] = links
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{l["code"]}" href="{l["url"]}" />'
        for l in links if not l["current"])


def setup(app: Sphinx) -> dict:
    app.add_config_value("published_languages", [SOURCE_LANGUAGE], "html", types=[list])
    app.add_transform(SortTranslatedGlossary)
    app.add_transform(StableIndexIds)
    app.connect("builder-inited", report_completeness)
    app.connect("html-page-context", add_language_links)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
