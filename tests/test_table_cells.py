"""Cells of a table with a caption are extracted and translated
(_ext/table_cell_sources.py), built in-process on a one-page book."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from sphinx.application import Sphinx

PAGE = """\
(cap-inicio)=
# Libro de prueba

```{table} Modos de inferencia.
| Modo | Latencia |
|---|---|
| Por lotes | Horas |
```
"""

TRANSLATIONS = {
    "Libro de prueba": "Test book",
    "Modos de inferencia.": "Inference modes.",
    "Modo": "Mode",
    "Latencia": "Latency",
    "Por lotes": "Batch",
    "Horas": "Hours",
}


def build(tmp: Path, builder: str, language: str, fixed: bool) -> Path:
    src = tmp / "src"
    if not src.exists():
        src.mkdir()
        (src / "index.md").write_text(PAGE, encoding="utf-8")
        catalog = polib.POFile()
        catalog.metadata = {"Content-Type": "text/plain; charset=utf-8"}
        for msgid, msgstr in TRANSLATIONS.items():
            catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        (src / "locales" / "en" / "LC_MESSAGES").mkdir(parents=True)
        catalog.save_as_mofile(str(src / "locales" / "en" / "LC_MESSAGES" / "index.mo"))
    (src / "conf.py").write_text(
        "extensions = ['myst_parser'" + (", 'table_cell_sources'" if fixed else "") + "]\n"
        "locale_dirs = ['locales/']\ngettext_compact = False\n", encoding="utf-8")
    out = tmp / f"{builder}-{language}-{fixed}"
    app = Sphinx(str(src), str(src), str(out), str(tmp / f"doctrees-{builder}-{language}-{fixed}"),
                 builder, confoverrides={"language": language}, status=None, freshenv=True)
    app.build()
    return out


@pytest.mark.parametrize("fixed", [True, False], ids=["with table_cell_sources", "stock"])
def test_table_cells_are_in_the_catalog(tmp_path, fixed):
    pot = polib.pofile(str(build(tmp_path, "gettext", "es", fixed) / "index.pot"))
    msgids = {entry.msgid for entry in pot}
    assert "Modos de inferencia." in msgids            # the caption always was
    cells = {"Modo", "Latencia", "Por lotes", "Horas"}
    if fixed:
        assert cells <= msgids
        # Each cell points at the page and the line where its table is written.
        assert [(Path(path).name, bool(line)) for entry in pot if entry.msgid == "Horas"
                for path, line in entry.occurrences] == [("index.md", True)]
    else:  # MyST's cells inside a directive have no source: Sphinx skips them
        assert not cells & msgids


@pytest.mark.parametrize("fixed", [True, False], ids=["with table_cell_sources", "stock"])
def test_table_cells_are_translated(tmp_path, fixed):
    html = (build(tmp_path, "html", "en", fixed) / "index.html").read_text(encoding="utf-8")
    assert "Inference modes." in html
    assert ("Batch" in html and "Por lotes" not in html) is fixed
