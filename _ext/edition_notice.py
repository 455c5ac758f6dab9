"""A notice when an edition is built from incomplete catalogs.

Sphinx falls back to Spanish for each untranslated or fuzzy message,
silently; this prints how much is missing (it is not a failure: the tests
hold the published languages to 100 %).  A malformed catalog, which Sphinx
would read without a word, is an error naming its file and line
(``msgfmt --check``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

import i18n_stats

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "es"


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


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", report_completeness)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
