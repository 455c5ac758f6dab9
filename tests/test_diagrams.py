"""Mermaid diagrams: present in every format, rendered once, failing loudly.

The real book's figures are counted in the HTML, the PDF and the EPUB; the
renderer's behaviour (cache, errors, determinism) is shown on the fixture
book ``tests/roots/test-diagrams`` (one inline diagram, one from a file).
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree
from pypdf import PdfReader

from conftest import LANG, ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import diagram_renderer  # noqa: E402

DIRECTIVE = re.compile(r"^```\{mermaid\}", re.MULTILINE)
SVG_NS = "{http://www.w3.org/2000/svg}"


def book_diagrams() -> int:
    return sum(len(DIRECTIVE.findall(p.read_text(encoding="utf-8")))
               for p in (ROOT / "book").glob("*.md"))


def test_the_book_has_its_diagrams():
    assert book_diagrams() >= 8
    # Each diagram file has its English version (the diagram's labels).
    for mmd in (ROOT / "book" / "diagramas").glob("*.mmd"):
        if mmd.suffixes[-2:-1] != [".en"]:
            assert mmd.with_suffix(".en.mmd").is_file(), f"{mmd.name} has no .en.mmd"


# The real book, every format
# ---------------------------

def test_html_figures_are_clean_svg_with_alt_text(book):
    site = book / "html" / LANG
    images = []
    for page in site.glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for img in soup.select("figure img.diagram"):
            figure = img.find_parent("figure")
            assert figure.get("id", "").startswith("fig-"), page.name
            assert figure.figcaption and re.match(r"Figura \d+\.\d+", figure.figcaption.get_text().strip()), page.name
            assert len(img.get("alt", "")) > 40, f"{page.name}: short alt text {img.get('alt')!r}"
            images.append(site / img["src"])
    assert len(images) == book_diagrams()
    for svg in images:
        assert svg.suffix == ".svg"
        root = etree.parse(str(svg)).getroot()
        assert root.find(f".//{SVG_NS}foreignObject") is None, f"{svg.name} has <foreignObject>"
        assert root.find(f".//{SVG_NS}script") is None, svg.name
        assert root.findall(f".//{SVG_NS}text"), f"{svg.name} has no SVG text"
        assert b"http://" not in svg.read_bytes().replace(b"http://www.w3.org/", b"")
        assert b"@import" not in svg.read_bytes() and b"@font-face" not in svg.read_bytes()


def test_pdf_has_every_figure_as_vector_graphics(book):
    reader = PdfReader(book / f"mlops-handbook-{LANG}.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    # pypdf sometimes loses the spaces of a justified line.
    captions = re.findall(r"Figura\s*\d+\.\d+:", text)
    assert len(captions) == book_diagrams(), captions
    forms = 0
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for obj in xobjects.values():
            obj = obj.get_object()
            assert obj["/Subtype"] != "/Image", "a diagram was embedded as a bitmap"
            forms += obj["/Subtype"] == "/Form"
    assert forms == book_diagrams()


def test_epub_has_every_figure_and_no_stale_image(book):
    with zipfile.ZipFile(book / f"mlops-handbook-{LANG}.epub") as epub:
        names = set(epub.namelist())
        referenced = set()
        figures = 0
        for name in sorted(n for n in names if n.endswith(".xhtml")):
            soup = BeautifulSoup(epub.read(name), "xml")
            for img in soup.find_all("img"):
                referenced.add(str(Path(name).parent / img["src"]).lstrip("./"))
                if "diagram" in img.get("class", ""):
                    figures += 1
                    assert img["src"].endswith(".png")
                    assert len(img.get("alt", "")) > 40
        assert figures == book_diagrams()
        images = {n for n in names if n.startswith("_images/")}
        stale = images - referenced
        assert not stale, f"images nothing refers to: {sorted(stale)}"


# The fixture book: cache, errors, determinism
# -------------------------------------------

def renders(book) -> list[str]:
    log = book.build / "diagram-cache" / "renders.log"
    return log.read_text().splitlines() if log.exists() else []


def test_each_diagram_renders_once_and_never_again(fixture_book, capfd):
    """One render per diagram and language: the HTML takes the SVG, the
    EPUB's PNG and the PDF's PDF are made from it without a browser."""
    book = fixture_book("diagrams")
    for builder, message in (("html", "rendering 2 SVGs in one Chromium page"),
                             ("epub", "2 PNGs from the SVGs (rsvg-convert"),
                             ("latex", "2 PDFs from the SVGs (rsvg-convert")):
        run = book.sphinx(builder)
        assert run.returncode == 0, run.output
        assert message in capfd.readouterr().err
    assert len(renders(book)) == 2
    page = (book.build / "sphinx" / "html" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="diagram"') == 2

    # Outputs gone, cache kept: a rebuild renders and converts nothing.
    shutil.rmtree(book.build / "sphinx")
    for builder in ("html", "epub", "latex"):
        assert book.sphinx(builder).returncode == 0
    assert "rsvg-convert" not in capfd.readouterr().err
    assert len(renders(book)) == 2

    # The English edition reuses the inline diagram and renders the
    # translated file diagram (ciclo.en.mmd) only.
    shutil.rmtree(book.build / "sphinx")
    run = book.sphinx("html", language="en")
    assert run.returncode == 0, run.output
    assert len(renders(book)) == 3
    assert "ciclo.en.mmd" in renders(book)[-1]


def test_builds_side_by_side_render_each_diagram_once(fixture_book):
    """make -j3 runs the three builders of an edition at once; the one that
    renders first makes the others wait and find the SVGs cached."""
    book = fixture_book("diagrams")
    run = book.make("-j3", "html", "latex", f"{book.build}/es/epub.stamp")
    assert run.returncode == 0, run.output
    assert sorted(Path(line.split()[1]).name for line in renders(book)) == ["ciclo.mmd:1", "index.md:10"]
    assert run.output.count("rendering") == 1, run.output


def test_a_run_of_several_editions_starts_chromium_once(fixture_book, capfd):
    """With diagram_languages (which `make` sets to the editions it builds),
    the first build renders the English file diagram in the same page as
    its own, after them; the English build then renders nothing."""
    book = fixture_book("diagrams")
    run = book.sphinx("html", diagram_languages=["es", "en"])
    assert run.returncode == 0, run.output
    assert "rendering 3 SVGs in one Chromium page (1 for other editions)" in capfd.readouterr().err
    assert [Path(line.split()[1]).name for line in renders(book)] == [
        "ciclo.mmd:1", "index.md:10", "ciclo.en.mmd:1"]
    run = book.sphinx("html", language="en", diagram_languages=["es", "en"])
    assert run.returncode == 0, run.output
    assert "rendering" not in capfd.readouterr().err
    assert len(renders(book)) == 3
    page = (book.build / "sphinx" / "html" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="diagram"') == 2


def test_a_waiting_build_goes_on_once_its_own_diagrams_are_rendered(tmp_path):
    """The build that holds the render lock renders the other editions'
    diagrams after its own; a build that needs only its own goes on without
    waiting for the lock."""
    import fcntl
    import threading

    settings = diagram_renderer.Settings(cache_dir=tmp_path, log=lambda line: None)
    diagram = diagram_renderer.Diagram("flowchart TB\n  a --> b\n", "x.mmd", 1)
    svg = diagram_renderer.cache_path(
        diagram, "svg", diagram_renderer.renderer_identity(settings), settings)
    result = {}
    with open(tmp_path / "render.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build is rendering
        waiting = threading.Thread(
            target=lambda: result.update(diagram_renderer.render([(diagram, "svg")], settings)))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive(), "went on before its diagram was rendered"
        svg.write_text("<svg/>")  # ... which renders this build's diagram
        waiting.join(10)
        assert not waiting.is_alive(), "still waiting for the lock"
    assert result == {(diagram, "svg"): svg}
    assert not (tmp_path / "renders.log").exists()


def test_another_editions_broken_diagram_is_left_to_its_own_build(fixture_book):
    """A Mermaid error in ciclo.en.mmd does not fail the Spanish build that
    renders it on the side; the English build reports it, file and line."""
    book = fixture_book("diagrams")
    book.edit("ciclo.en.mmd", "d --> m[Monitor]", "d --> m{Monitor]")
    run = book.sphinx("html", diagram_languages=["es", "en"])
    assert run.returncode == 0, run.output
    assert len(renders(book)) == 2
    run = book.sphinx("html", language="en", diagram_languages=["es", "en"])
    assert run.returncode != 0
    assert "ciclo.en.mmd:3: ERROR: Mermaid syntax error" in run.output, run.output


@pytest.mark.parametrize("name, old, new, where, line_in_diagram", [
    ("ciclo.mmd", "d --> m[Monitorizar]", "d --> m{Monitorizar]", "ciclo.mmd:3", 3),
    ("index.md", "a[Datos] --> b[Modelo]", "a[Datos --> b[Modelo]", "index.md:11", 2),
])
def test_broken_diagram_fails_with_file_line_and_mermaid_message(
        fixture_book, name, old, new, where, line_in_diagram):
    book = fixture_book("diagrams")
    book.edit(name, old, new)
    run = book.sphinx("html")
    assert run.returncode != 0
    assert f"{where}: ERROR: Mermaid syntax error: Parse error on line {line_in_diagram}" in run.output, run.output


def test_diagram_without_alt_text_fails(fixture_book):
    book = fixture_book("diagrams")
    book.edit("index.md", ":alt: Dos cajas, Datos y Modelo, unidas por una flecha.\n", "")
    run = book.sphinx("html")
    assert run.returncode != 0
    assert re.search(r"index\.md:6: ERROR: diagram without :alt:", run.output), run.output


def test_missing_chromium_says_what_to_install(fixture_book):
    book = fixture_book("diagrams")
    run = book.sphinx("html", diagram_chromium="/nonexistent/chromium")
    assert run.returncode != 0
    assert "Chromium not found at /nonexistent/chromium" in run.output, run.output
    assert "install the Debian package 'chromium-headless-shell'" in run.output


def test_rendered_files_are_deterministic(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    diagram = diagram_renderer.Diagram("flowchart TB\n  a[Datos] --> b[Modelo]\n", "x.mmd", 1)
    jobs = [(diagram, fmt) for fmt in diagram_renderer.FORMATS]
    outputs = []
    for run in ("one", "two"):
        settings = diagram_renderer.Settings(
            cache_dir=tmp_path / run, log=lambda line: None,
            mermaid_config={"htmlLabels": False, "deterministicIds": True})
        paths = diagram_renderer.render(jobs, settings)
        outputs.append({fmt: paths[(diagram, fmt)].read_bytes() for _, fmt in jobs})
    for fmt in diagram_renderer.FORMATS:
        assert outputs[0][fmt] == outputs[1][fmt], f"{fmt} differs between two renders"
    assert b"2026" in outputs[0]["pdf"]  # 1767225600 = 2026-01-01


def test_a_changed_diagram_leaves_no_old_image_in_the_site(fixture_book):
    """Sphinx never deletes from _images/; the diagrams extension does."""
    book = fixture_book("diagrams")
    assert book.sphinx("html").returncode == 0
    site = book.build / "sphinx" / "html"
    images = site / "_images"
    before = {p.name for p in images.glob("mermaid-*.svg")}
    book.edit("ciclo.mmd", "e[Entrenar]", "e[Reentrenar]")
    run = book.sphinx("html")  # the same output folder: an incremental build
    assert run.returncode == 0, run.output
    page = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml")
    shown = {Path(img["src"]).name for img in page.select("img.diagram")}
    after = {p.name for p in images.glob("mermaid-*.svg")}
    assert after == shown and len(shown) == 2
    assert before - after  # the old rendering of ciclo.mmd is gone
