"""The words that the book's extensions and templates print, per edition.

Extensions mark them with ``_ = get_translation("handbook")`` (this
module's ``_``); templates with ``handbook_("…")``.  The message ids are
English; each edition's translations live beside the book's catalogs, in
``<locale_dir>/<lang>/LC_MESSAGES/handbook.po`` of ``locale_dirs``, and
``locales/handbook.pot`` lists every word (``make update-po`` starts the
catalog of a new language from it).  The handbook's own ``locales/`` is
read last, so a book without these catalogs still gets the handbook's.  Sphinx compiles only its own catalog
domain when it starts, so this one is compiled here, when newer than its
``.mo``, before it is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import get_translation

DOMAIN = "handbook"
LOCALES = Path(__file__).resolve().parent.parent / "locales"
_ = get_translation(DOMAIN)


def compile_catalog(po: Path, language: str) -> None:
    """``.po`` to ``.mo`` through a temporary file: two builds of one
    language started side by side (``make -j``) never read half a file."""
    with po.open(encoding="utf-8") as f:
        catalog = read_po(f, language)
    tmp = po.with_name(f"{po.stem}.{os.getpid()}.mo")
    with tmp.open("wb") as f:
        write_mo(f, catalog)
    os.replace(tmp, po.with_suffix(".mo"))


def load_catalogs(app: Sphinx, config: Config) -> None:
    # The book's catalogs first, then the handbook's own (a fixture book or
    # another project using these extensions gets the handbook's words).
    folders = [Path(app.srcdir, folder) for folder in config.locale_dirs] + [LOCALES]
    for base in dict.fromkeys(p.resolve() for p in folders):
        po = base / config.language / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            compile_catalog(po, config.language)
        app.add_message_catalog(DOMAIN, str(base))


def add_to_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                   doctree) -> None:
    context["handbook_"] = lambda message: str(_(message))


def setup(app: Sphinx) -> dict:
    # After edition_config (300), before the handlers that build text (400).
    app.connect("config-inited", load_catalogs, priority=350)
    app.connect("html-page-context", add_to_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
