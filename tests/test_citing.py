"""Citing chapters: stable anchors, intersphinx, per-chapter citations,
PDF named destinations and CITATION.cff."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string
from pypdf import PdfReader
from sphinx.util.inventory import InventoryFile

from conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import check_anchors as anchors  # noqa: E402

from conftest import EDITIONS, RELEASE, numbered_chapters  # noqa: E402

MANIFEST = ROOT / "book" / "anchors.json"
LANGS = list(EDITIONS)
HEADING = {"es": "Cómo citar este capítulo", "en": "How to cite this chapter"}


def chapter_labels() -> list[str]:
    return [a for a in anchors.load(MANIFEST)["anchors"] if "#cap-" in a]


def h1_title(h1) -> str:
    """A heading's text without its number and permalink."""
    for extra in h1.select(".section-number, a.headerlink"):
        extra.extract()
    return h1.get_text().strip()


# Stable anchors
# --------------

def test_every_public_anchor_exists_in_every_edition(book):
    sites = [book / "html" / lang for lang in LANGS]
    assert anchors.check(MANIFEST, sites) == []


def test_the_manifest_lists_every_public_anchor(book):
    built = set(anchors.inventory_anchors(book / "html" / "es"))
    listed = set(anchors.load(MANIFEST)["anchors"])
    assert built <= listed, f"run 'make anchors': not in the manifest: {sorted(built - listed)}"
    kinds = {a.split("#")[1].split("-")[0] for a in listed}
    assert {"cap", "sec", "fig", "term"} <= kinds


def _manifest_fixture(fixture_book):
    book = fixture_book("minimal")
    with open(book.src / "conf.py", "a", encoding="utf-8") as conf_py:
        conf_py.write('\nextensions.append("anchor_redirects")\nanchors_manifest = "anchors.json"\n')
    assert book.make("html").returncode == 0
    site = book.dist / "html" / "es"
    assert anchors.main(["write", str(book.src / "anchors.json"), str(site)]) == 0
    assert "capitulo#sec-seccion" in anchors.load(book.src / "anchors.json")["anchors"]
    return book, site


def test_a_removed_anchor_fails_naming_it(fixture_book):
    book, site = _manifest_fixture(fixture_book)
    book.edit("capitulo.md", "(sec-seccion)=\n", "(sec-otra-seccion)=\n")
    book.edit("capitulo.md", "{ref}`sec-seccion`", "{ref}`sec-otra-seccion`")
    assert book.make("html").returncode == 0
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "check_anchors.py"), "check",
                           str(book.src / "anchors.json"), str(site)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "anchor 'capitulo#sec-seccion' disappeared" in proc.stderr, proc.stderr
    assert "no id 'sec-seccion' in capitulo.html" in proc.stderr


def test_a_moved_document_is_recorded_and_redirected(fixture_book):
    book, site = _manifest_fixture(fixture_book)
    (book.src / "capitulo.md").rename(book.src / "nuevo.md")
    book.edit("index.md", "capitulo\n", "nuevo\n")
    assert book.make("html").returncode == 0
    assert anchors.check(book.src / "anchors.json", [site]) != []  # not recorded yet
    data = json.loads((book.src / "anchors.json").read_text())
    data["moved"] = {"capitulo": "nuevo"}
    (book.src / "anchors.json").write_text(json.dumps(data))
    # The manifest is an input: the next build writes the redirect page.
    assert book.make("html").returncode == 0
    assert anchors.check(book.src / "anchors.json", [site]) == []
    redirect = (site / "capitulo.html").read_text()
    assert 'url=nuevo.html' in redirect and "location.hash" in redirect


# Intersphinx
# -----------

@pytest.mark.parametrize("lang", LANGS)
def test_inventory_resolves_every_chapter_label(book, lang):
    inv = InventoryFile.loads((book / "html" / lang / "objects.inv").read_bytes(),
                              uri=f"https://example.org/{lang}/")
    labels = inv.data["std:label"]
    for anchor in chapter_labels():
        doc, label = anchor.split("#")
        assert labels[label].uri == f"https://example.org/{lang}/{doc}.html#{label}"
        page = BeautifulSoup((book / "html" / lang / f"{doc}.html").read_text(encoding="utf-8"), "lxml")
        assert labels[label].display_name == h1_title(page.find_all("h1")[-1])


def test_another_project_links_to_a_chapter_with_intersphinx(book, tmp_path):
    env = {"MLOPS_INVENTORY": str(book / "html" / "es" / "objects.inv"),
           "PYTHONPATH": str(ROOT / "_ext"), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run([str(ROOT / ".venv/bin/sphinx-build"), "-b", "html", "-q", "-W", "-n",
                           str(ROOT / "tests/roots/test-intersphinx"), str(tmp_path)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/mlops-handbook/es/principios.html#cap-principios"' in page
    assert 'href="https://example.org/mlops-handbook/es/arquitecturas.html#sec-nivel-1"' in page


# A citation for every chapter
# ----------------------------

def _numbered_chapters(book, lang):
    chapters = []
    for anchor in chapter_labels():
        doc = anchor.split("#")[0]
        page = BeautifulSoup((book / "html" / lang / f"{doc}.html").read_text(encoding="utf-8"), "lxml")
        h1 = page.find_all("h1")[-1]
        number = h1.select_one(".section-number")  # the theme's header has another h1
        if number:
            chapters.append((doc, number.get_text().strip(" ."), page, h1))
    assert sorted(doc for doc, *_ in chapters) == sorted(numbered_chapters())
    return chapters


@pytest.mark.parametrize("lang", LANGS)
def test_html_chapters_end_with_a_citation_and_carry_meta_tags(book, lang):
    ed = EDITIONS[lang]
    for doc, number, page, h1 in _numbered_chapters(book, lang):
        block = page.select_one("div.chapter-citation")
        assert block is not None, doc
        assert HEADING[lang] in block.get_text()
        text = block.select("p")[1].get_text(" ")
        assert ed["author"] in text and ed["project"] in text and RELEASE in text
        assert "http" not in text and "None" not in text  # no base URL configured
        entry = parse_string(block.pre.get_text(), "bibtex").entries[f"mlops-handbook-{lang}-{doc}"]
        assert entry.fields["title"] == ed["project"]
        assert entry.fields["number"] == number
        assert entry.fields["edition"] == RELEASE
        assert entry.fields["chapter"] == h1_title(h1)
        metas = {m["name"]: m["content"] for m in page.find_all("meta", attrs={"name": re.compile("^citation_")})}
        assert metas["citation_title"] == entry.fields["chapter"]
        assert metas["citation_author"] == ed["author"]
        assert metas["citation_language"] == lang
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", metas["citation_publication_date"])
        assert metas["citation_pdf_url"] == f"mlops-handbook-{lang}.pdf"
    assert "copybutton" in (book / "html" / lang / "ventajas.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_and_epub_chapters_end_with_a_citation(book, lang):
    text = "\n".join(p.extract_text() for p in PdfReader(book / f"mlops-handbook-{lang}.pdf").pages)
    assert len(re.findall(re.escape(HEADING[lang]).replace(r"\ ", r"\s*"), text)) == len(numbered_chapters())
    with zipfile.ZipFile(book / f"mlops-handbook-{lang}.epub") as epub:
        blocks = sum(epub.read(n).decode().count('class="chapter-citation')
                     for n in epub.namelist() if n.endswith(".xhtml"))
    assert blocks == len(numbered_chapters())


def test_citations_use_the_base_url_when_one_is_set(fixture_book):
    book = fixture_book("minimal")
    with open(book.src / "conf.py", "a", encoding="utf-8") as conf_py:
        conf_py.write('\nextensions.append("chapter_citation")\n'
                      'import os\ncitation_base_url = os.environ.get("HANDBOOK_BASE_URL", "")\n')
    book.edit("index.md", "```{toctree}\n", "```{toctree}\n:numbered:\n")
    run = book.make("html", env={"HANDBOOK_BASE_URL": "https://example.org/manual"})
    assert run.returncode == 0, run.output
    page = BeautifulSoup((book.dist / "html" / "es" / "capitulo.html").read_text(encoding="utf-8"), "lxml")
    block = page.select_one("div.chapter-citation")
    assert "https://example.org/manual/es/capitulo.html" in block.select("p")[1].get_text()
    assert "url      = {https://example.org/manual/es/capitulo.html}" in block.pre.get_text()
    meta = page.find("meta", attrs={"name": "citation_pdf_url"})
    assert meta["content"] == "https://example.org/manual/es/mlops-handbook-es.pdf"


# PDF destinations and CITATION.cff
# ---------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_chapter_label_is_a_pdf_named_destination(book, lang):
    names = set(PdfReader(book / f"mlops-handbook-{lang}.pdf").named_destinations)
    missing = [a for a in chapter_labels() if a.split("#")[1] not in names]
    assert not missing


def test_citation_cff_is_valid_and_agrees_with_the_project():
    proc = subprocess.run([str(ROOT / ".venv/bin/cffconvert"), "--validate", "-i",
                           str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from ruamel.yaml import YAML
    cff = YAML(typ="safe").load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["title"] == EDITIONS["es"]["project"]
    assert cff["version"] == RELEASE
    assert [a["name"] for a in cff["authors"]] == [EDITIONS["es"]["author"]]
    assert cff["preferred-citation"]["edition"] == RELEASE
