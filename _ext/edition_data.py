"""The editions' data: ``locales/editions.toml``, one table per language.

Titles, authors, dates and the words each edition prints outside the
catalogs live there, in one place; ``conf.py`` and the tools (release gates,
cover, language chooser) read it through :func:`load`, and none of them
imports ``conf.py``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "locales" / "editions.toml"


def load(path: Path = PATH) -> dict[str, dict[str, str]]:
    """``{language: {key: value}}``, in the file's order."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def edition_url(base: str, lang: str) -> str:
    """The address of edition ``lang``'s HTML, ending in ``/``, or "" with
    no base URL.

    ``base`` is ``citation_base_url`` (``HANDBOOK_BASE_URL``): either the
    site that holds every edition in a folder of its own
    (``https://host/path`` -> ``https://host/path/<lang>/``), or a template
    with ``{lang}`` where hosts put the language elsewhere, as Read the Docs
    does (``https://host/{lang}/1.0.0/``).
    """
    if not base:
        return ""
    if "{lang}" in base:
        return base.replace("{lang}", lang).rstrip("/") + "/"
    return f"{base.rstrip('/')}/{lang}/"
