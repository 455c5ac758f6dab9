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
