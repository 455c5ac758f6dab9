"""The bibliography and glossary checks, each fed one defect.

The fixture book tests/roots/test-references builds clean; every test adds
exactly one defect and expects the build to fail with a message that names
the file, the line and the offending key or term.
"""

from __future__ import annotations

import pytest

UNCITED = """
@online{nadie-olvidado,
  author  = {{Nadie}},
  title   = {Una fuente que nadie cita},
  year    = {2024},
  url     = {https://example.org/olvidado},
  urldate = {2026-11-26},
}
"""


def test_reference_fixture_builds(fixture_book):
    book = fixture_book("references")
    run = book.sphinx("html")
    assert run.returncode == 0, run.output
    html = (book.build / "sphinx" / "html" / "bibliografia.html").read_text(encoding="utf-8")
    assert "Consultado el 26 de noviembre de 2026" in html
    assert "Sculley y Gary Holt" in html


@pytest.mark.parametrize("case, file, old, new, where, message", [
    ("missing key", "capitulo.md", "{cite:p}`sculley-hidden-debt`", "{cite:p}`nadie-nada`",
     "capitulo.md:4", 'could not find bibtex key "nadie-nada"'),
    ("uncited entry", "refs.bib", "@inproceedings", UNCITED + "\n@inproceedings",
     "refs.bib:10", "'nadie-olvidado' is never cited"),
    ("missing field", "refs.bib", "  urldate = {2026-11-26},\n", "",
     "refs.bib:1", "google-que-es-mlops: @online entry lacks required field urldate"),
    ("malformed url", "refs.bib", "https://cloud.google.com", "http//cloud.google.com",
     "refs.bib:1", "malformed URL 'http//cloud.google.com"),
    ("duplicate key", "refs.bib", "@inproceedings{sculley-hidden-debt",
     "@inproceedings{google-que-es-mlops", "refs.bib:9",
     "duplicate bibliography key 'google-que-es-mlops' (first at line 1)"),
    ("key scheme", "refs.bib", "{google-que-es-mlops,", "{GoogleMLOps,",
     "refs.bib:1", "key 'GoogleMLOps' does not follow the scheme"),
    ("unused term", "glosario.md", "```{glossary}\n", "```{glossary}\nsin uso\n  Nadie enlaza este término.\n\n",
     "glosario.md:5", "glossary term 'sin uso' is never used"),
    ("term to nothing", "capitulo.md", "{term}`deriva de datos`", "{term}`deriva de datos` y la {term}`deriva inexistente`",
     "capitulo.md:4", "term not in glossary: 'deriva inexistente'"),
])
def test_reference_defect_fails(fixture_book, case, file, old, new, where, message):
    book = fixture_book("references")
    book.edit(file, old, new)
    if case == "missing key":  # keep the entry cited elsewhere
        book.edit("capitulo.md", "Una guía", "Véase {cite:p}`sculley-hidden-debt`. Una guía")
    run = book.sphinx("html")
    assert run.returncode != 0, f"{case}: build passed"
    assert where in run.output, f"{case}: no {where} in\n{run.output}"
    assert message in run.output, f"{case}: no {message!r} in\n{run.output}"


def test_links_of_the_real_book_resolve(book):
    import subprocess, sys
    from conftest import ROOT
    # The whole site: each edition links to the same page in the other.
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "check_links.py"),
                           str(book / "html"), *map(str, sorted(book.glob("*.epub")))],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("target", ["html", "epub"])
def test_link_to_missing_anchor_fails(fixture_book, target):
    import subprocess, sys
    from conftest import ROOT
    book = fixture_book("references")
    book.edit("capitulo.md", "Una guía práctica",
              "Véase\n\n```{raw} html\n<a href=\"glosario.html#no-existe\">aquí</a>\n```\n\nUna guía práctica")
    if target == "html":
        assert book.sphinx("html").returncode == 0
        built = book.build / "sphinx" / "html"
    else:
        import check_epub

        assert book.sphinx("epub").returncode == 0
        built = book.build / "sphinx" / "epub" / "mlops-handbook.epub"
        # EPUBCheck refuses the EPUB too (RSC-007), so make would never
        # publish it (the publishing tests show that for any failed gate).
        [epubcheck] = check_epub.run(str(built))
        assert epubcheck.returncode != 0, epubcheck.stdout
        assert "RSC-007" in epubcheck.stdout + epubcheck.stderr, epubcheck.stdout
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "check_links.py"), str(built)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "capitulo." in proc.stderr and "broken link 'glosario.html#no-existe'" in proc.stderr
    # In the EPUB the page is glosario.xhtml, so the file itself is missing.
    why = "no id 'no-existe' in glosario.html" if target == "html" else "no file glosario.html"
    assert why in proc.stderr, proc.stderr


def test_bib_holds_every_seed_source_with_its_exact_url():
    """The nine web sources of the seed's "Referencias", URL for URL."""
    from pybtex.database import parse_file
    from conftest import ROOT, seed_links

    urls = [href for href, _ in seed_links("Referencias")]
    assert len(urls) == 9
    bib = parse_file(str(ROOT / "book" / "referencias.bib"))
    bib_urls = {e.fields.get("url") for e in bib.entries.values()}
    for url in urls:
        assert url in bib_urls, f"seed source {url} missing from referencias.bib"
    for key in ("sculley-hidden-debt", "kreuzberger-mlops-overview", "breck-ml-test-score"):
        assert key in bib.entries


def test_glossary_terms_are_in_the_pdf_index(book):
    from pypdf import PdfReader
    from conftest import LANG
    reader = PdfReader(book / f"mlops-handbook-{LANG}.pdf")
    tail = " ".join((p.extract_text() or "") for p in reader.pages[-3:])
    tail = " ".join(tail.split())
    for term in ("deriva de concepto", "almacén de características", "despliegue canario"):
        assert term in tail, f"glossary term {term!r} not in the PDF index"
