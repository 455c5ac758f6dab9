"""The English edition and the translation QA.

The real book: its catalogs are in step with the sources, complete and
sound; the English outputs are English (language tags, captions, dates, no
Spanish paragraph left); both editions share anchors and link to each other.
The QA checks themselves are fed one defect each on the fixture book
``tests/roots/test-i18n`` (one page and its English catalog).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import check_catalogs  # noqa: E402
import check_spelling as spellcheck  # noqa: E402

from conftest import EDITIONS, numbered_chapters  # noqa: E402

TRANSLATED = [lang for lang in EDITIONS if lang != "es"]
LOCALES = ROOT / "locales"
# Documents renamed or merged: their pages are redirects (book/anchors.json).
MOVED = json.loads((ROOT / "book" / "anchors.json").read_text(encoding="utf-8"))["moved"]


@pytest.fixture(scope="module")
def pot_dir(tmp_path_factory) -> Path:
    """Templates extracted afresh from the sources, as `make gettext` does."""
    out = tmp_path_factory.mktemp("gettext")
    proc = subprocess.run(
        [str(ROOT / ".venv/bin/sphinx-build"), "-b", "gettext", "-c", str(ROOT),
         "-d", str(out / ".doctrees"), "-D", "language=es", "-q", "-W",
         str(ROOT / "book"), str(out)],
        cwd=ROOT, capture_output=True, text=True,
        env={"PYTHONPATH": str(ROOT / "_ext"), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    assert proc.returncode == 0, proc.stderr
    return out


# The real book
# -------------

@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogs_are_in_sync_complete_and_sound(pot_dir, lang):
    assert check_catalogs.check_language(pot_dir, LOCALES, lang) == []


def test_sources_and_translations_are_spelled_right(pot_dir):
    assert spellcheck.main([str(pot_dir), str(LOCALES), *TRANSLATED]) == 0


def test_spelling_names_the_line_of_an_unknown_word_after_a_line_without_words(tmp_path):
    """A line with no words ("0", a table cell) does not shift the unknown
    words of the lines after it."""
    unknown = spellcheck.hunspell(["0", "hola mundo", "adiós xyzqw"], "es", tmp_path / "none.txt")
    assert unknown == [[], [], ["xyzqw"]]


def test_the_spell_check_reads_words_not_math():
    formula = r"\mathrm{PSI} = \sum_{i=1}^{k} \left(a_i - r_i\right) \ln\frac{a_i}{r_i}"
    assert spellcheck.prose(formula) == ""
    assert spellcheck.prose("con $k$ intervalos, la ecuación {eq}`eq-psi` y {math}`a_i`") == \
        "con intervalos, la ecuación y"
    # A sentence that names a TeX command is still checked.
    assert "frase" in spellcheck.prose(r"El comando \texttt aparece en esta frase")


def test_no_compiled_catalog_is_committed():
    tracked = subprocess.run(["git", "ls-files", "locales"], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
    assert tracked and not [f for f in tracked if f.endswith(".mo")]


def test_glossary_terms_follow_the_term_list():
    terms = check_catalogs.load_terms(LOCALES / "en" / "terms.tsv")
    glossary = polib.pofile(str(LOCALES / "en" / "LC_MESSAGES" / "glosario.po"))
    translated = {e.msgid.lower(): e.msgstr for e in glossary}
    for spanish, english in terms.items():
        assert translated.get(spanish) == english, spanish


def _texts(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    main = soup.find("main") or soup
    for tag in main.select("a.headerlink, script, style"):
        tag.decompose()
    return [" ".join(el.get_text(" ").split())
            for el in main.find_all(["p", "li", "dt", "h1", "h2", "h3", "figcaption", "th", "td"])]


def _plain(msgid: str) -> str:
    return " ".join(spellcheck.prose(msgid).split())


def test_english_html_has_no_spanish_paragraph_left(book):
    spanish = set()
    for po_path in (LOCALES / "en" / "LC_MESSAGES").glob("*.po"):
        for entry in polib.pofile(str(po_path)):
            if entry.msgid and entry.msgstr != entry.msgid and len(entry.msgid) > 12:
                spanish.add(_plain(entry.msgid))
    leftovers = []
    for page in sorted((book / "html" / "en").glob("*.html")):
        for text in _texts(page):
            plain = _plain(text)
            if any(s and (plain == s or (len(s) > 40 and s in plain)) for s in spanish):
                leftovers.append(f"{page.name}: {text[:80]}")
    assert not leftovers, "\n".join(leftovers)


def _ids(page: Path) -> set[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    main = soup.find("main") or soup
    return {el["id"] for el in main.find_all(id=True)}


def test_both_editions_have_the_same_pages_and_anchors(book):
    es_pages = sorted(p.name for p in (book / "html" / "es").glob("*.html"))
    en_pages = sorted(p.name for p in (book / "html" / "en").glob("*.html"))
    assert es_pages == en_pages
    for name in es_pages:
        if name in ("search.html", "genindex.html"):
            continue
        missing = _ids(book / "html" / "es" / name) ^ _ids(book / "html" / "en" / name)
        assert not missing, f"{name}: anchors in one edition only: {sorted(missing)}"


def test_every_page_links_to_the_same_page_in_the_other_edition(book):
    for lang, other in (("es", "en"), ("en", "es")):
        for page in (book / "html" / lang).glob("*.html"):
            if page.stem in MOVED:  # a redirect page, not a page of the book
                continue
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
            link = soup.select_one(f'.language-switcher a[hreflang="{other}"]')
            assert link is not None, f"{lang}/{page.name} has no link to {other}"
            assert link["href"] == f"../{other}/{page.name}"
            assert (page.parent / link["href"]).resolve().is_file()
    chooser = BeautifulSoup((book / "html" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert {a["href"] for a in chooser.find_all("a")} == {"es/index.html", "en/index.html"}


def test_english_outputs_declare_and_use_english(book):
    page = BeautifulSoup((book / "html" / "en" / "arquitecturas.html").read_text(encoding="utf-8"), "lxml")
    assert page.html["lang"] == "en"
    chapter = numbered_chapters().index("arquitecturas") + 1
    assert page.select_one("figcaption").get_text().strip().startswith(f"Figure {chapter}.1")
    assert "Maturity levels" in page.get_text() or "maturity levels" in page.get_text()

    with zipfile.ZipFile(book / "mlops-handbook-en.epub") as epub:
        opf = epub.read("content.opf").decode()
        assert "<dc:language>en</dc:language>" in opf
        assert "MLOps: An Introduction and Core Concepts" in opf
        assert "Structured text" in opf  # English accessibility summary

    reader = PdfReader(book / "mlops-handbook-en.pdf")
    assert reader.metadata.title == "MLOps: An Introduction and Core Concepts"
    assert reader.trailer["/Root"].get("/Lang") == "en-US"
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert re.search(r"Figure\s*1\.1:", text)
    assert re.search(r"(January|February|March|April|May|June|July|August|September|"
                     r"October|November|December) \d{1,2}, \d{4}", text)
    assert "Accessed" in text and "Consultado" not in text
    tex = (ROOT / "_build" / "en" / "latex" / "mlops-handbook.tex").read_text(encoding="utf-8")
    assert r"\setmainlanguage{english}" in tex  # English hyphenation patterns


# The QA checks, one defect each
# ------------------------------

def _po(book) -> Path:
    return book.src / "locales" / "en" / "LC_MESSAGES" / "index.po"


def _change(path: Path, msgid_start: str, *, fuzzy=False, msgstr=None, replace=None, msgid=None):
    """Edit the entry whose msgid starts with ``msgid_start`` (with polib)."""
    po = polib.pofile(str(path), wrapwidth=79)
    entry = next(e for e in po if e.msgid.startswith(msgid_start))
    if fuzzy:
        entry.flags.append("fuzzy")
    if msgstr is not None:
        entry.msgstr = msgstr
    if replace:
        assert replace[0] in entry.msgstr
        entry.msgstr = entry.msgstr.replace(*replace)
    if msgid:
        entry.msgid = entry.msgid.replace(*msgid)
    po.save(str(path))


def test_fixture_catalogs_pass(fixture_book):
    book = fixture_book("i18n")
    run = book.make("i18n-check")
    assert run.returncode == 0, run.output


@pytest.mark.parametrize("defect, expected", [
    ("new-paragraph", r"index\.po: no entry for the source message at .*index\.md:11: 'Un párrafo nuevo"),
    ("fuzzy", r"index\.po:\d+: fuzzy translation .*'Detalles'"),
    ("empty", r"index\.po:\d+: untranslated: 'Detalles'"),
    ("retarget", r"index\.po:\d+: the translation changes the references: missing \{ref\}`sec-detalles`, unexpected \{ref\}`sec-otra`"),
    ("dropped-role", r"index\.po:\d+: the translation changes the references: missing \{term\}`despliegue`"),
    ("term-text", r"index\.po:\d+: \{term\} text 'rollout' is not the glossary term 'deployment'"),
    ("syntax", r"index\.po:\d+: .*(syntax error|end-of-line within string)"),
    ("typo-en", r"index\.po:\d+: en: unknown word 'agian'"),
    ("typo-es", r"index\.md:9: es: unknown word 'entrrena'"),
])
def test_each_translation_defect_fails_with_catalog_and_line(fixture_book, defect, expected):
    book = fixture_book("i18n")
    po = _po(book)
    if defect == "new-paragraph":
        book.edit("index.md", "```{glossary}", "Un párrafo nuevo sin traducir.\n\n```{glossary}")
    elif defect == "fuzzy":
        _change(po, "Detalles", fuzzy=True)
    elif defect == "empty":
        _change(po, "Detalles", msgstr="")
    elif defect == "retarget":
        _change(po, "Este libro", replace=("{ref}`sec-detalles`", "{ref}`sec-otra`"))
    elif defect == "dropped-role":
        _change(po, "Este libro", replace=("{term}`deployment <despliegue>`", "deployment"))
    elif defect == "term-text":
        _change(po, "Este libro", replace=("{term}`deployment <despliegue>`", "{term}`rollout <despliegue>`"))
    elif defect == "syntax":
        book.edit(po.relative_to(book.src).as_posix(), 'msgstr "Details"', 'msgstr "Details')
    elif defect == "typo-en":
        _change(po, "El modelo", replace=("trained again", "trained agian"))
    elif defect == "typo-es":
        book.edit("index.md", "se entrena otra vez", "se entrrena otra vez")
        _change(po, "El modelo", msgid=("se entrena otra vez", "se entrrena otra vez"))
    run = book.make("i18n-check")
    assert run.returncode != 0
    assert re.search(expected, run.output), run.output


def test_a_new_language_is_one_command_and_builds_with_a_notice(fixture_book):
    book = fixture_book("i18n")
    run = book.make("update-po", "LANGS=pt")
    assert run.returncode == 0, run.output
    assert (book.src / "locales" / "pt" / "LC_MESSAGES" / "index.po").is_file()
    assert (book.src / "locales" / "pt" / "LC_MESSAGES" / "handbook.po").is_file()
    # 6 messages of the text and 11 interface words (locales/handbook.pot).
    assert re.search(r"handbook\.po\s+0\s+0\s+11\s+0", run.output), run.output
    assert re.search(r"total\s+0\s+0\s+17\s+0\s+0\.0%", run.output), run.output
    run = book.make("html", "LANG=pt")
    assert run.returncode == 0, run.output
    assert "notice: edition 'pt': 0 of 17 messages translated" in run.output
    page = (book.dist / "html" / "pt" / "index.html").read_text(encoding="utf-8")
    assert 'lang="pt"' in page and "Libro de prueba" in page  # Spanish fallback


def test_update_po_is_deterministic(fixture_book):
    book = fixture_book("i18n")
    book.edit("index.md", "```{glossary}", "Un párrafo nuevo.\n\n```{glossary}")
    assert book.make("update-po", "LANGS=en").returncode == 0
    first = _po(book).read_bytes()
    assert b'msgid "Un p\xc3\xa1rrafo nuevo."' in first
    assert book.make("update-po", "LANGS=en").returncode == 0
    assert _po(book).read_bytes() == first


def test_i18n_stats_counts_fuzzy_as_not_translated(fixture_book):
    book = fixture_book("i18n")
    _change(_po(book), "Detalles", fuzzy=True)
    _change(_po(book), "El modelo", msgstr="")
    run = book.make("i18n-stats", "LANGS=en")
    assert run.returncode == 0, run.output
    # 6 messages: 4 translated, 1 fuzzy, 1 untranslated -> 66.7 %, not 83 %.
    assert re.search(r"index\.po\s+4\s+1\s+1\s+0\s+67%", run.output), run.output
    assert re.search(r"total\s+4\s+1\s+1\s+0\s+66\.7%", run.output), run.output


def test_spanish_html_interface_is_spanish(book):
    """Sphinx 9.0's Spanish catalog and the theme leave some interface text
    in English; locales/es/LC_MESSAGES/sphinx.po and the edition's
    search_bar_text translate it."""
    english = {entry.msgid for entry in polib.pofile(str(LOCALES / "es" / "LC_MESSAGES" / "sphinx.po"))}
    english |= {"Search...", "Search the docs ..."}
    found = set()
    for page in sorted((book / "html" / "es").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for attr in ("title", "aria-label", "placeholder"):
                if tag.get(attr) in english:
                    found.add(f"{page.name}: {tag.name} {attr}={tag[attr]!r}")
    with zipfile.ZipFile(book / "mlops-handbook-es.epub") as epub:
        nav = BeautifulSoup(epub.read("nav.xhtml"), "xml")
        opf = BeautifulSoup(epub.read("content.opf"), "xml")
    for text in [nav.title.string, nav.h1.string] + [ref["title"] for ref in opf.find_all("reference")]:
        if text in english:
            found.add(f"mlops-handbook-es.epub: {text!r}")
    assert not found, "English interface text in the Spanish edition:\n" + "\n".join(sorted(found)[:20])
    assert nav.title.string == EDITIONS["es"]["contents_name"]  # as in the PDF


# A third language
# ----------------

PORTUGUESE = {"How to cite this chapter": "Como citar este capítulo", "chapter": "capítulo",
              "In": "Em", "edition": "edição", " and ": " e ", ", and ": " e ", "In:": "Em:",
              "pp.": "pp.", "Accessed {date}": "Acessado em {date}", "Downloads": "Transferências",
              "Languages": "Idiomas"}


def test_a_third_language_has_no_spanish_or_english_interface_word(fixture_book):
    """The handbook's interface words come from locales/handbook.pot and the
    edition's catalog, dates from Babel: a Portuguese bibliography says
    "Acessado em 26 de novembro de 2026" and "Sculley e Gary Holt"."""
    book = fixture_book("references")
    pot = polib.pofile(str(ROOT / "locales" / "handbook.pot"))
    assert {e.msgid for e in pot} == set(PORTUGUESE), "handbook.pot changed: update the test"
    for entry in pot:
        entry.msgstr = PORTUGUESE[entry.msgid]
    (book.src / "locales" / "pt" / "LC_MESSAGES").mkdir(parents=True)
    pot.metadata["Language"] = "pt"
    pot.save(str(book.src / "locales" / "pt" / "LC_MESSAGES" / "handbook.po"))
    run = book.make("html", "LANG=pt")
    assert run.returncode == 0, run.output
    page = (book.dist / "html" / "pt" / "bibliografia.html").read_text(encoding="utf-8")
    assert "Acessado em 26 de novembro de 2026" in page and "Sculley e Gary Holt" in page
    assert "Em: " in page
    for word in ("Consultado", "Accessed", "noviembre", "November", "En: ", "In: ",
                 "Sculley y", "Sculley and"):
        assert word not in page, word


def test_every_interface_word_is_in_the_template_and_translated_in_spanish():
    used = set()
    for path in (ROOT / "_ext").glob("*.py"):
        used |= set(re.findall(r'\b_\("((?:[^"\\]|\\.)*)"\)', path.read_text(encoding="utf-8")))
    for path in (ROOT / "_templates").glob("*.html"):
        used |= set(re.findall(r"handbook_\('([^']*)'\)", path.read_text(encoding="utf-8")))
    # Sphinx's own words (epub_package, math_mathml)
    used -= {"Table of Contents", "Cover", "Link to this equation"}
    listed = {e.msgid for e in polib.pofile(str(ROOT / "locales" / "handbook.pot"))}
    assert used == listed
    spanish = polib.pofile(str(LOCALES / "es" / "LC_MESSAGES" / "handbook.po"))
    assert {e.msgid for e in spanish.translated_entries()} == listed
