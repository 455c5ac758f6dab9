"""Translation progress per catalog, counted correctly.

Usage: python _ext/i18n_stats.py LOCALE_DIR LANG...

For each ``<lang>/LC_MESSAGES/*.po`` prints translated, fuzzy, untranslated
and obsolete messages and the percentage translated.  A fuzzy message is not
translated: Sphinx does not use it (``sphinx-intl stat`` counts it as
translated).  Also importable: ``catalog_stats`` and ``language_stats``
are used by the build's notice for partial editions and by the tests.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import polib


@dataclass
class Stats:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def __iadd__(self, other: Stats) -> Stats:
        for field in ("translated", "fuzzy", "untranslated", "obsolete"):
            setattr(self, field, getattr(self, field) + getattr(other, field))
        return self


def catalog_stats(path: Path) -> Stats:
    po = polib.pofile(str(path), wrapwidth=79)
    active = [e for e in po if not e.obsolete]
    fuzzy = sum(1 for e in active if e.fuzzy)
    translated = sum(1 for e in active if e.translated() and not e.fuzzy)
    return Stats(translated=translated, fuzzy=fuzzy,
                 untranslated=len(active) - translated - fuzzy,
                 obsolete=sum(1 for e in po if e.obsolete))


def catalogs(locale_dir: Path, lang: str) -> list[Path]:
    return sorted((locale_dir / lang / "LC_MESSAGES").rglob("*.po"))


def language_stats(locale_dir: Path, lang: str) -> tuple[Stats, dict[str, Stats]]:
    per_doc = {str(p.relative_to(locale_dir / lang / "LC_MESSAGES")): catalog_stats(p)
               for p in catalogs(locale_dir, lang)}
    total = Stats()
    for stats in per_doc.values():
        total += stats
    return total, per_doc


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    locale_dir = Path(argv[0])
    row = "{:<32} {:>10} {:>6} {:>12} {:>8} {:>7}"
    for lang in argv[1:]:
        total, per_doc = language_stats(locale_dir, lang)
        if not per_doc:
            print(f"{lang}: no catalogs in {locale_dir / lang} (run 'make update-po LANGS={lang}')")
            continue
        print(f"\n{lang}:")
        print(row.format("catalog", "translated", "fuzzy", "untranslated", "obsolete", "done"))
        for name, s in per_doc.items():
            print(row.format(name, s.translated, s.fuzzy, s.untranslated, s.obsolete,
                             f"{s.percent:.0f}%"))
        print(row.format("total", total.translated, total.fuzzy, total.untranslated,
                         total.obsolete, f"{total.percent:.1f}%"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
