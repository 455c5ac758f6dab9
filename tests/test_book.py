"""The real handbook, read back from its published artifacts.

HTML with BeautifulSoup, the PDF with pypdf, the EPUB with zipfile + lxml,
the inventory with Sphinx's own reader: no regexes over markup.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from lxml import etree
from pypdf import PdfReader
from sphinx.util.inventory import InventoryFile

from conftest import EDITIONS, LANG, SEED, SHARED_SEED, checked, numbered_chapters, seed_links
from seed_toc import RETITLED, SEED_TOC

CHAPTERS = {
    "acerca-de": "Acerca de este manual",
    "que-es-mlops": "¿Qué es MLOps?",
    "por-que-es-importante": "¿Por qué es importante MLOps?",
    "mlops-vs-devops": "MLOps frente a DevOps",
    "principios": "Principios fundamentales de MLOps",
    "casos-de-uso": "Casos de uso de MLOps",
    "desafios": "Desafíos en la implantación de MLOps",
    "arquitecturas": "Arquitecturas de MLOps",
    "roles": "Roles y forma de trabajar",
    "produccion": "Temas de producción",
    "ia-responsable": "IA responsable y regulación",
    "mejores-practicas": "Buenas prácticas",
    "herramientas": "Herramientas y ecosistema",
    "ejemplo-de-principio-a-fin": "Un ejemplo de principio a fin",
    "lecturas-recomendadas": "Lecturas recomendadas",
    "glosario": "Glosario",
    "referencias": "Referencias",
}
NUMBERED = numbered_chapters()
MOJIBAKE = ("√", "Ã", "â€", "Â")


def html_dir(book: Path) -> Path:
    return book / "html" / LANG


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def plain(text: str) -> str:
    """Heading text without emoji, section numbers or case differences."""
    text = "".join(c for c in text if unicodedata.category(c) not in ("So", "Mn") or c in "́")
    text = unicodedata.normalize("NFC", text.replace("\ufe0f", ""))
    text = re.sub(r"^[\d.]+\s+", "", text.strip())
    return " ".join(text.split()).casefold()


# HTML
# ----

def test_html_has_every_chapter_numbered(book):
    for doc, title in CHAPTERS.items():
        page = soup(html_dir(book) / f"{doc}.html")
        h1 = page.select_one("article h1")
        number = h1.find("span", class_="section-number")
        if doc in NUMBERED:
            assert number is not None, f"{doc}: chapter is not numbered"
            assert number.get_text().strip() == f"{NUMBERED.index(doc) + 1}."
        assert plain(h1.get_text()).startswith(plain(title)), h1.get_text()


def test_html_pages_are_self_contained(book):
    """No script, style sheet, font, image or frame from another host."""
    pages = sorted(html_dir(book).glob("*.html"))
    assert len(pages) >= len(CHAPTERS)
    for page in pages:
        tree = soup(page)
        assert tree.html.get("lang") == LANG, page
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"),
                          ("iframe", "src"), ("source", "src")):
            for el in tree.find_all(tag):
                url = el.get(attr)
                if url and tag == "link" and "stylesheet" not in el.get("rel", []) \
                        and "preload" not in el.get("rel", []):
                    continue
                assert not url or not urlsplit(url).netloc, f"{page.name}: remote {tag} {url}"
    for css in html_dir(book).rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert "@import url(http" not in text and "url(https://" not in text, css


def test_html_search_and_navigation(book):
    site = html_dir(book)
    assert (site / "search.html").is_file()
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    assert "entrenamiento" in index  # Spanish words are indexed
    page = soup(site / "por-que-es-importante.html")
    prev = page.find("a", class_="left-prev")
    nxt = page.find("a", class_="right-next")
    assert prev is not None and prev["href"] == "que-es-mlops.html"
    assert nxt is not None and nxt["href"] == "mlops-vs-devops.html"


def test_no_mojibake_and_no_emoji(book):
    for page in html_dir(book).glob("*.html"):
        text = soup(page).get_text()
        for bad in MOJIBAKE:
            assert bad not in text, f"{page.name}: mojibake {bad!r}"
        emoji = [c for c in text if unicodedata.category(c) == "So" and ord(c) > 0x2600]
        assert not emoji, f"{page.name}: emoji {emoji}"


# Seed coverage
# -------------

def seed_toc_entries() -> list[tuple[str, str]]:
    return [(unquote(href), text) for href, text in seed_links("Tabla de Contenidos")]


def test_seed_copy_is_current():
    if not SHARED_SEED.exists():
        pytest.skip(f"no shared seed at {SHARED_SEED} to compare with")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes(), "tests/data seed is outdated"


def test_every_seed_toc_entry_resolves_to_a_label(book):
    inventory = InventoryFile.loads((html_dir(book) / "objects.inv").read_bytes(), uri="")
    labels = inventory.data["std:label"] if hasattr(inventory, "data") else inventory["std:label"]
    entries = seed_toc_entries()
    assert len(entries) == 18
    for anchor, text in entries:
        assert anchor in {unquote(a) for a in SEED_TOC}, f"seed TOC entry {text!r} ({anchor}) has no label"
        label = {unquote(a): lab for a, lab in SEED_TOC.items()}[anchor]
        assert label in labels, f"label {label} of {text!r} is not in objects.inv"
        item = labels[label]
        uri = item.uri if hasattr(item, "uri") else item[2]
        page, _, frag = uri.partition("#")
        target = soup(html_dir(book) / page).find(id=frag or None) if frag else soup(html_dir(book) / page).find("section")
        assert target is not None, f"{label}: no element #{frag} in {page}"
        heading = target.find(re.compile("^h[1-6]$"))
        want = plain(text)
        want = plain(RETITLED.get(text.split(" ", 1)[-1], text)) if want not in plain(heading.get_text()) else want
        assert want in plain(heading.get_text()), f"{label}: {heading.get_text()!r} vs seed {text!r}"


def test_every_seed_paragraph_heading_is_present(book):
    """Every bold list label of the seed appears in the book's text."""
    text = " ".join(" ".join(soup(p).get_text(" ").split()).replace(" / ", "/")
                    for p in html_dir(book).glob("*.html")).casefold()
    seed = SEED.read_text(encoding="utf-8")
    labels = re.findall(r"\*\*([^*]+?):\*\*", seed)
    assert len(labels) >= 30
    # The seed's typo and its "monitoreo" are normalised in the book.
    fixes = {"implementación sostenable": "implementación sostenible",
             "monitoreo continuo": "monitorización continua",
             "monitoreo y desempeño continuo": "monitorización y desempeño continuo"}
    for label in labels:
        want = fixes.get(label.casefold(), label.casefold())
        assert want in text, f"seed item {label!r} missing from the book"


# PDF
# ---

@pytest.fixture(scope="module")
def pdf(book):
    return PdfReader(book / f"mlops-handbook-{LANG}.pdf")


def outline_titles(reader: PdfReader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)
    walk(reader.outline)
    return titles


def test_pdf_outline_has_every_chapter_and_section(pdf):
    titles = [plain(t) for t in outline_titles(pdf)]
    for title in CHAPTERS.values():
        assert any(t.startswith(plain(title)) for t in titles), f"no bookmark for {title}"
    for section in ("Nivel 0: flujos de trabajo manuales", "Arquitectura de visión por computadora (CV)"):
        assert any(plain(section) in t for t in titles), f"no bookmark for {section}"


def test_pdf_metadata_paper_and_fonts(pdf):
    meta = pdf.metadata
    assert meta.title == "MLOps: introducción y conceptos fundamentales"
    assert meta.author and meta.subject and "MLOps" in (meta.get("/Keywords") or "")
    assert str(pdf.trailer["/Root"].get("/Lang")) == "es-ES"
    assert len(pdf.pages) >= 25
    for page in pdf.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - 595.28) < 1 and abs(h - 841.89) < 1, "not A4"
    unembedded = set()
    for page in pdf.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                unembedded.add(str(font.get("/BaseFont")))
    assert not unembedded, f"fonts not embedded: {unembedded}"


def test_pdf_text_is_spanish_and_complete(pdf):
    text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    for word in ("Índice general", "Capítulo", "Índice alfabético", "Referencias"):
        assert word in text, word
    for bad in MOJIBAKE:
        assert bad not in text
    assert "??" not in text, "unresolved reference in the PDF"


def test_pdf_internal_links_land(pdf):
    """Every internal link (GoTo) points to a named destination that exists."""
    names = set(pdf.named_destinations)
    links = 0
    for page in pdf.pages:
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action is None:
                continue
            action = action.get_object()
            if action.get("/S") == "/GoTo":
                links += 1
                dest = action["/D"]
                if isinstance(dest, (str, bytes)) or hasattr(dest, "original_bytes"):
                    assert str(dest) in names, f"link to missing destination {dest}"
    assert links > 50


# EPUB
# ----

@pytest.fixture(scope="module")
def epub(book):
    return zipfile.ZipFile(book / f"mlops-handbook-{LANG}.epub")


def test_epub_passes_epubcheck(book):
    assert checked(book, "epubcheck") == sorted(EDITIONS)


def test_epub_package_language_cover_and_navigation(epub):
    names = epub.namelist()
    assert names[0] == "mimetype"
    assert epub.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    opf = etree.fromstring(epub.read("content.opf"))
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:language", namespaces=ns) == LANG
    cover = opf.find(".//opf:item[@properties='cover-image']", ns)
    assert cover is not None and cover.get("media-type") == "image/png"
    nav = etree.fromstring(epub.read("nav.xhtml"))
    nav_text = plain(" ".join(nav.itertext()))
    for title in CHAPTERS.values():
        assert plain(title) in nav_text, f"{title} missing from EPUB navigation"


def test_epub_has_no_script_and_no_remote_resource(epub):
    for name in epub.namelist():
        if name.endswith(".js"):
            pytest.fail(f"script file {name} in the EPUB")
        if name.endswith((".xhtml", ".html")):
            tree = etree.fromstring(epub.read(name), etree.XMLParser(recover=True))
            xhtml = "{http://www.w3.org/1999/xhtml}"
            assert not list(tree.iter(f"{xhtml}script")), f"script in {name}"
            for el in tree.iter(f"{xhtml}img", f"{xhtml}link"):
                url = el.get("src") or el.get("href") or ""
                assert not urlsplit(url).netloc, f"remote resource {url} in {name}"
