"""Every construct an author writes, in HTML, PDF and EPUB.

``tests/roots/test-constructs/`` is one chapter with code listings, math,
tables, admonitions, footnotes, definition and nested lists, a block quote,
a long URL, PNG/JPEG/SVG figures and characters from many scripts.  It is
built once per format in this process (Sphinx's own test application, with
the book's settings and local extensions), then LaTeX and the release gates
run on the result as the Makefile runs them.  Each test asserts one
construct in one format, read with real parsers (lxml, pypdf, pdffonts).
The failure tests feed one defect each to the real Makefile.
"""

from __future__ import annotations

import re
import runpy
import shutil
import subprocess
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from lxml import etree, html

import check_anchors
import check_artifacts
import check_epub
import latex_run

ROOTS = Path(__file__).resolve().parent / "roots"
CONF = Path(__file__).resolve().parent.parent / "conf.py"
LONG_CODE_LINE = ("modelo = entrenar(datos_de_entrenamiento, epocas=10, "
                  "tasa_de_aprendizaje=0.001, semilla=42, registro=mlflow)")
MATHML = "http://www.w3.org/1998/Math/MathML"
XHTML = "http://www.w3.org/1999/xhtml"
TEX_LEFTOVERS = re.compile(r"\\(frac|sum|mathrm|hat|sigma|begin|parallel)|\$")


def build(tmp_path_factory, builder: str) -> Path:
    """The fixture book built by ``builder``; warnings are failures (-W)."""
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path_factory.mktemp(f"constructs-{builder}") / "src"
    shutil.copytree(ROOTS / "test-constructs", src)
    warnings = StringIO()
    app = SphinxTestApp(builder, srcdir=src, builddir=src.parent / "build", freshenv=True,
                        warning=warnings, confoverrides={"nitpicky": True})
    try:
        app.build()
    finally:
        app.cleanup()
    assert warnings.getvalue() == "", warnings.getvalue()
    return app.outdir


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory, "html")


@pytest.fixture(scope="module")
def page(site):
    return html.fromstring((site / "capitulo.html").read_bytes())


@pytest.fixture(scope="module")
def epub(tmp_path_factory) -> Path:
    return build(tmp_path_factory, "epub") / "mlops-handbook.epub"


@pytest.fixture(scope="module")
def xhtml(epub):
    with zipfile.ZipFile(epub) as book:
        return etree.fromstring(book.read("capitulo.xhtml"))


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    latex = build(tmp_path_factory, "latex")
    tex = latex / "mlops-handbook.tex"
    assert latex_run.main(["latex_run.py", str(tex)]) == 0, "LaTeX failed or lacks a glyph"
    return tex.with_suffix(".pdf")


@pytest.fixture(scope="module")
def pdf_pages(pdf) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]


def squash(text: str) -> str:
    return check_artifacts._squash(text)


def visible_text(tree) -> str:
    """Text a reader sees: MathML's alttext (the TeX) is an attribute."""
    return " ".join(tree.itertext())


# The settings
# ------------

def test_the_fixture_has_the_books_settings_for_constructs():
    book = runpy.run_path(str(CONF))
    fixture = runpy.run_path(str(ROOTS / "test-constructs" / "conf.py"))
    for name in ("myst_enable_extensions", "copybutton_selector", "html_math_renderer",
                 "gettext_additional_targets",
                 "numfig", "numfig_secnum_depth"):
        assert fixture[name] == book[name], name
    for ext in ("math_mathml", "equation_refs", "image_alt", "construct_layout",
                "epub_code", "label_scheme", "glossary_check", "sphinx_copybutton", "book_fonts"):
        assert ext in book["extensions"] and ext in fixture["extensions"], ext


# Code
# ----

def test_html_code_listing_is_numbered_highlighted_and_copyable(site, page):
    listing = page.get_element_by_id("code-entrenar")
    assert "Lista 1.1" in listing.text_content()
    assert "Entrenamiento de un modelo" in listing.text_content()
    assert [n.text_content().strip() for n in listing.find_class("linenos")] == ["1", "2", "3"]
    assert "modelo = entrenar" in listing.find_class("hll")[0].text_content()
    assert listing.find_class("k") or listing.find_class("kn"), "no highlighting"
    assert "Lista 1.1" in page.xpath('//a[@href="#code-entrenar"]')[0].text_content()
    # The copy button: served from the site, and meant for code blocks.
    scripts = [s.get("src").split("?")[0] for s in page.iter("script") if s.get("src")]
    assert "_static/copybutton.js" in scripts
    assert "div.highlight pre" in (site / "_static" / "copybutton.js").read_text()
    assert page.find_class("literal")[0].text_content() == "pip install mlflow"


def test_epub_code_wraps_and_is_complete(epub, xhtml):
    pres = [" ".join(p.itertext()) for p in xhtml.iter(f"{{{XHTML}}}pre")]
    assert any(squash(LONG_CODE_LINE) in squash(p) for p in pres)
    with zipfile.ZipFile(epub) as book:
        css = book.read("_static/constructs.css").decode()
    assert re.search(r"pre\s*\{[^}]*white-space:\s*pre-wrap", css)
    links = [link.get("href") for link in xhtml.iter(f"{{{XHTML}}}link")]
    assert "_static/constructs.css" in links


def test_epub_code_is_plain_text_where_its_style_colours_nothing(xhtml):
    # The EPUB theme's Pygments style ("none") colours no token, so the
    # listing is one run of text, with its line numbers and emphasised line.
    listing = xhtml.xpath('//*[@id="code-entrenar"]')[0]
    pre = listing.xpath(".//x:pre", namespaces={"x": XHTML})[0]
    classes = {c for span in pre.iter(f"{{{XHTML}}}span") for c in span.get("class", "").split()}
    assert classes <= {"linenos", "hll"}, f"token spans in the EPUB's code: {sorted(classes)}"
    assert "modelo = entrenar" in "".join(pre.find(f".//{{{XHTML}}}span[@class='hll']").itertext())
    assert [s.text.strip() for s in pre.iter(f"{{{XHTML}}}span")
            if s.get("class") == "linenos"] == ["1", "2", "3"]
    assert 'print("fin")' in "".join(pre.itertext())


def test_a_style_that_colours_tokens_keeps_them_apart():
    import epub_code
    from pygments.styles import get_style_by_name
    from sphinx.pygments_styles import NoneStyle

    assert epub_code.colours_nothing(NoneStyle)
    assert not epub_code.colours_nothing(get_style_by_name("default"))
    assert not epub_code.colours_nothing(get_style_by_name("bw"))  # bold and italic only


def test_pdf_code_line_is_complete_and_listing_numbered(pdf, pdf_pages):
    text = squash("\n".join(pdf_pages))
    assert squash(LONG_CODE_LINE) in text
    assert squash("--registro https://registro.ejemplo/modelos/clasificador-de-fraude --final") \
        in text
    assert squash("Lista 1.1: Entrenamiento de un modelo") in text


# Math
# ----

def test_html_math_is_mathml_numbered_and_referenced(page):
    maths = page.xpath("//*[local-name()='math']")
    assert len(maths) == 5, "2 inline, 2 numbered, 1 amsmath display"
    assert all(m.get("alttext") for m in maths)
    assert not TEX_LEFTOVERS.search(visible_text(page.get_element_by_id("sec-matematicas")))
    assert page.get_element_by_id("equation-eq-divergencia").find_class("eqno")[0] \
        .text_content().startswith("(1.1)")
    refs = {a.get("href"): a.text_content() for a in page.iter("a")
            if "headerlink" not in a.get("class", "")}
    assert refs["#equation-eq-divergencia"] == "(1.1)"
    assert refs["#equation-eq-neurona"] == "(1.2)", "{numref} to an equation"


def test_html_has_no_foreign_script(site):
    assert check_artifacts.html_items_and_problems(site, "es")[1] == []


def test_epub_math_is_mathml_not_tex(epub, xhtml):
    maths = list(xhtml.iter(f"{{{MATHML}}}math"))
    assert len(maths) == 5
    assert all(m.get("alttext") for m in maths), "alt text on every formula"
    assert maths[2].get("display") == "block"
    assert not TEX_LEFTOVERS.search(visible_text(xhtml))
    with zipfile.ZipFile(epub) as book:
        opf = etree.fromstring(book.read("content.opf"))
    item = opf.find(".//{http://www.idpf.org/2007/opf}item[@href='capitulo.xhtml']")
    assert "mathml" in item.get("properties").split()


def test_epub_with_every_construct_passes_ace(epub):
    """Ace by DAISY, as the EPUB rule runs it, finds nothing (display math
    scrolls sideways, so it must be focusable)."""
    import check_ace

    assert check_ace.check([epub]) == []


def test_pdf_math_is_typeset_by_latex(pdf, pdf_pages):
    tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
    assert r"\begin{equation}" in tex and r"\frac{P(x)}{Q(x)}" in tex
    assert r"\eqref{equation:capitulo:eq-neurona}" in tex, "{numref} to an equation"
    assert r"\begin{align*}" in tex
    text = "\n".join(pdf_pages)
    assert "$" not in text and "\\frac" not in text
    assert text.count("(1.1)") >= 2 and text.count("(1.2)") >= 2


# Tables
# ------

def test_html_tables_have_numbered_captions(page):
    for label, number, caption in [("tab-metricas", "1.1", "Métricas del modelo"),
                                   ("tab-herramientas", "1.2", "Herramientas por etapa"),
                                   ("tab-ancha", "1.3", "Comparación de plataformas"),
                                   ("tab-larga", "1.4", "Resultados por lote")]:
        table = page.get_element_by_id(label)
        assert table.tag == "table"
        assert f"Tabla {number}" in table.find("caption").text_content()
        assert caption in table.find("caption").text_content()
        assert table.find("thead") is not None


def test_pdf_long_table_repeats_its_header(pdf_pages):
    pages = [p for p in pdf_pages if re.search(r"Fila \d+", p)]
    assert len(pages) >= 2, "the long table spans pages"
    for text in pages:
        assert "Lote" in text and "Resultado" in text, text[:300]
    assert "Fila 60" in "".join(pages)


def test_pdf_wide_table_fits_and_nothing_overflows(pdf):
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log
    problems = check_artifacts.pdf_text_and_problems(pdf, "es", pdf.with_suffix(".log"), 1,
                                                     None)[1]
    assert problems == []


def test_epub_tables_fit_the_screen(epub, xhtml):
    tables = list(xhtml.iter(f"{{{XHTML}}}table"))
    assert len(tables) >= 4
    with zipfile.ZipFile(epub) as book:
        css = book.read("_static/constructs.css").decode()
    assert re.search(r"table\.docutils\s*\{[^}]*width:\s*100%", css)
    assert re.search(r"overflow-wrap:\s*anywhere", css)


# Admonitions, footnotes, lists, quotes, URLs
# --------------------------------------------

ADMONITIONS = {"note": "Nota", "tip": "Truco", "warning": "Advertencia",
               "important": "Importante", "caution": "Prudencia"}


def test_html_blocks(page):
    for kind, title in ADMONITIONS.items():
        box = page.xpath(f'//div[contains(@class,"admonition") and contains(@class,"{kind}")]')
        assert box and title in box[0].text_content(), kind
    assert page.xpath('//div[contains(@class,"admonition")]/p[@class="admonition-title"]'
                      '[text()="Un título propio"]')
    assert page.xpath('//a[contains(@class,"footnote-reference")]')
    assert "La nota al pie" in page.xpath('//aside[contains(@class,"footnote")]')[0].text_content()
    dl = page.xpath('//dl[dt[normalize-space()="Latencia"]]')[0]
    assert "glossary" not in dl.get("class", "")
    assert page.xpath("//ul/li/ul/li/ul/li/ul/li[normalize-space()='Nivel cuatro']")
    assert page.xpath("//ol/li/ol/li/ol/li/ol/li[normalize-space()='Cuarto']")
    assert "Una cita en bloque" in page.xpath("//blockquote")[0].text_content()


def test_pdf_blocks_and_long_url(pdf, pdf_pages):
    text = squash("\n".join(pdf_pages))
    for title in [*ADMONITIONS.values(), "Un título propio", "La nota al pie, con su fuente",
                  "Nivel cuatro", "Cuarto", "Latencia", "Una cita en bloque"]:
        assert squash(title) in text, title
    assert squash("https://ejemplo.org/una/ruta/muy/larga/que/no/cabe/en/una/linea/del/libro/"
                  "impreso/de/ninguna/manera/posible/ni/aunque/se/intente/varias/veces") in text
    assert r"\usepackage{xurl}" in pdf.with_suffix(".tex").read_text(encoding="utf-8")


def test_epub_blocks(xhtml):
    text = visible_text(xhtml)
    for title in [*ADMONITIONS.values(), "Un título propio", "La nota al pie", "Nivel cuatro",
                  "Latencia", "Una cita en bloque"]:
        assert title in text, title


# Images
# ------

FIGURES = {"fig-grafico": "grafico.png", "fig-foto": "foto.jpg", "fig-esquema": "esquema.svg"}


def test_html_figures_have_caption_alt_and_width(page):
    for label, name in FIGURES.items():
        figure = page.get_element_by_id(label)
        img = figure.find(".//img")
        assert img.get("src").endswith(name)
        assert len(img.get("alt")) > 20
        assert "width" in img.get("style", "")
        assert "Figura 1." in figure.find(".//figcaption").text_content()


def test_epub_figures_carry_their_images(epub, xhtml):
    imgs = list(xhtml.iter(f"{{{XHTML}}}img"))
    assert sorted(Path(i.get("src")).name for i in imgs) == sorted(FIGURES.values())
    assert all(i.get("alt") for i in imgs)
    with zipfile.ZipFile(epub) as book:
        opf = book.read("content.opf").decode()
    assert 'media-type="image/svg+xml"' in opf


def test_pdf_svg_is_converted_at_build_time(pdf, pdf_pages):
    assert (pdf.parent / "esquema.pdf").is_file(), "rsvg-convert made no PDF of the SVG"
    tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
    assert "{{esquema}.pdf}" in tex
    assert "Figura 1.3: Un esquema SVG." in "\n".join(pdf_pages)


# Characters
# ----------

SCRIPTS = {"🚀": "Symbola", "Привет": "NotoSerif-Regular", "机器学习": "NotoSerifCJK",
           "ℝ": "DejaVuSans", "⇒": "TeXGyrePagella"}


def test_pdf_every_script_has_an_embedded_font(pdf, pdf_pages):
    number = next(i for i, t in enumerate(pdf_pages, start=1) if "Emoji" in t)
    out = subprocess.run(["pdffonts", "-f", str(number), "-l", str(number), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    fonts = {line.split()[0].split("+")[-1]: line.split()[-5] for line in out.splitlines()[2:]}
    for chars, font in SCRIPTS.items():
        assert chars in pdf_pages[number - 1], chars
        embedded = [emb for name, emb in fonts.items() if name.startswith(font)]
        assert embedded == ["yes"] * len(embedded) and embedded, (chars, font, fonts)


def test_epub_keeps_every_character(xhtml):
    text = visible_text(xhtml)
    for chars in [*SCRIPTS, "αβγ", "∀x ∈ ℝ"]:
        assert chars in text


def test_epubcheck_is_clean(epub):
    [proc] = check_epub.run(str(epub))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert check_artifacts.epub_text_and_problems(epub, "es")[1] == []


# Anchors
# -------

def test_anchors_of_every_kind_are_public(site):
    anchors = check_anchors.inventory_anchors(site)
    for anchor in ["capitulo#cap-construcciones", "capitulo#sec-codigo", "capitulo#fig-esquema",
                   "capitulo#tab-metricas", "capitulo#code-entrenar",
                   "capitulo#equation-eq-divergencia", "capitulo#equation-eq-neurona"]:
        assert anchor in anchors


# Failures: one defect each, through the real Makefile
# -----------------------------------------------------

def test_image_without_alt_text_fails(fixture_book):
    book = fixture_book("constructs")
    book.edit("capitulo.md", ":alt: Tres cajas naranjas unidas por flechas.\n", "")
    run = book.make("html")
    assert run.returncode != 0
    assert "capitulo.md:295" in run.output, run.output
    assert "'imagenes/foto.jpg' has no alt text" in run.output


def test_markdown_image_without_alt_text_fails(fixture_book):
    book = fixture_book("constructs")
    book.edit("capitulo.md", "La {numref}`fig-esquema` es vectorial.",
              "![](imagenes/grafico.png)")
    run = book.make("html")
    assert run.returncode != 0
    assert "capitulo.md:311" in run.output, run.output
    assert "has no alt text" in run.output


def test_equation_label_outside_the_scheme_fails(fixture_book):
    book = fixture_book("constructs")
    book.edit("capitulo.md", ":label: eq-divergencia", ":label: divergencia_kl")
    book.edit("capitulo.md", "{eq}`eq-divergencia`", "{eq}`divergencia_kl`")
    run = book.make("html")
    assert run.returncode != 0
    assert "capitulo.md:35" in run.output, run.output
    assert "label 'divergencia_kl' does not follow the scheme" in run.output


def test_label_of_the_wrong_kind_fails(fixture_book):
    book = fixture_book("constructs")
    book.edit("capitulo.md", ":name: tab-metricas", ":name: fig-metricas")
    book.edit("capitulo.md", "{numref}`tab-metricas`", "{numref}`fig-metricas`")
    run = book.make("html")
    assert run.returncode != 0
    # The table's first row (MyST gives the table node no other line).
    assert "capitulo.md:64" in run.output, run.output
    assert "label 'fig-metricas' is on a table: its label starts with tab-" in run.output


def test_reference_to_a_missing_equation_fails(fixture_book):
    book = fixture_book("constructs")
    book.edit("capitulo.md", "{numref}`eq-neurona`", "{numref}`eq-no-existe`")
    book.edit("capitulo.md", "{eq}`eq-divergencia`", "{eq}`eq-tampoco`")
    run = book.make("html")
    assert run.returncode != 0
    # MyST places a role at its paragraph's first line.
    assert "capitulo.md:32" in run.output and "eq-tampoco" in run.output, run.output
    assert "capitulo.md:41" in run.output and "eq-no-existe" in run.output, run.output


def test_math_the_converter_does_not_know_fails(fixture_book):
    book = fixture_book("constructs")
    book.edit("capitulo.md", "$E = mc^2$", r"$E = \comandoraro{m} c^2$")
    run = book.make("html")
    assert run.returncode != 0
    assert "capitulo.md:32" in run.output, run.output
    assert "\\comandoraro not understood" in run.output
