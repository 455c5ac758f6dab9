"""Each guard of the build, fed one defect on a tiny fixture book.

Every test asserts that the build fails and that the message names the
source file and line and the offending label.  What the extensions check is
built in-process (``FixtureBook.sphinx``); what the Makefile guarantees (a
failed build leaves the published artifact in dist/ byte-for-byte the
previous one, for every format) goes through ``make``.
"""

from __future__ import annotations

import pytest

BROKEN_REF = ("{ref}`sec-seccion`", "{ref}`sec-no-existe`")


def test_broken_reference_fails_with_file_and_line(fixture_book):
    book = fixture_book("minimal")
    book.edit("capitulo.md", *BROKEN_REF)
    run = book.sphinx("html")
    assert run.returncode != 0
    assert "capitulo.md:4" in run.output, run.output
    assert "sec-no-existe" in run.output


def test_missing_document_fails_naming_the_toctree(fixture_book):
    book = fixture_book("minimal")
    book.edit("index.md", "capitulo\n", "capitulo\nno-existe\n")
    run = book.sphinx("html")
    assert run.returncode != 0
    assert "index.md:3" in run.output, run.output
    assert "no-existe" in run.output


@pytest.mark.parametrize("target, artifact", [
    ("html", "html/es/capitulo.html"),
    ("epub", "mlops-handbook-es.epub"),
    ("pdf", "mlops-handbook-es.pdf"),
])
def test_failed_build_keeps_previous_artifact(published_minimal, target, artifact):
    book = published_minimal  # built: HTML, EPUB and PDF published
    before = (book.dist / artifact).read_bytes()
    book.edit("capitulo.md", "Otro párrafo.", "Otro párrafo, cambiado.")
    book.edit("capitulo.md", *BROKEN_REF)
    again = book.make(target)
    assert again.returncode != 0
    assert (book.dist / artifact).read_bytes() == before
    leftovers = [p.name for p in book.dist.rglob("*") if p.name.endswith((".tmp", ".new", ".old"))]
    assert leftovers == []


def test_latex_error_names_markdown_source_and_keeps_pdf(published_minimal):
    book = published_minimal  # built: HTML, EPUB and PDF published
    before = (book.dist / "mlops-handbook-es.pdf").read_bytes()
    book.edit("capitulo.md", "Otro párrafo.\n",
              "Otro párrafo.\n\n```{raw} latex\n\\comandoinexistente\n```\n")
    run = book.make("pdf")
    assert run.returncode != 0
    assert "capitulo.md:11" in run.output, run.output
    assert "Undefined control sequence" in run.output
    assert (book.dist / "mlops-handbook-es.pdf").read_bytes() == before


def test_section_without_label_fails(fixture_book):
    book = fixture_book("minimal")
    book.edit("capitulo.md", "Otro párrafo.\n", "Otro párrafo.\n\n## Sin etiqueta\n\nTexto.\n")
    run = book.sphinx("html")
    assert run.returncode != 0
    assert "capitulo.md:11" in run.output, run.output
    assert "'Sin etiqueta' has no explicit sec-... label" in run.output


def test_label_outside_scheme_fails(fixture_book):
    book = fixture_book("minimal")
    book.edit("capitulo.md", "(sec-seccion)=", "(Seccion_2)=")
    book.edit("capitulo.md", "{ref}`sec-seccion`", "{ref}`Seccion_2`")
    run = book.sphinx("html")
    assert run.returncode != 0
    assert "capitulo.md:6" in run.output, run.output
    assert "'seccion_2' does not follow the scheme" in run.output.lower()
