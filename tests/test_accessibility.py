"""Readers first: the accessibility checkers, the EPUB's identity and package,
and the PDF's page layout.

Each gate is fed its defect (an EPUB page without a language, a heading role
without a level, an HTML page with a critical violation, two EPUBs with one
identifier, an EPUB with an unused file, a PDF whose citation box is split)
and must name the file, and the page where there is one.  Over the real book,
Ace by DAISY and axe-core find nothing, and each edition's identifier is its
own and never changes: it is compared with the one first published (two
builds of one commit are byte-identical: test_release.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

import check_ace
import check_artifacts
import check_axe
import edition_config
from conftest import EDITIONS, ROOT, checked

LANGS = list(EDITIONS)
# The identifiers the editions were first published with: a reader's
# library knows each book by it, so it must never change.
IDENTIFIERS = {"es": "urn:uuid:8b9304e9-3e33-55ca-98ad-39980cf1af75",
               "en": "urn:uuid:84b034b7-55a7-5884-97d9-d622c02608f9"}


def rewrite_epub(source: Path, target: Path, edits: dict, extra: dict | None = None) -> Path:
    """A copy of ``source`` with ``edits[name](bytes) -> bytes`` applied and
    ``extra`` members added."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in edits:
                data = edits[item.filename](data)
            dst.writestr(item, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


# Ace by DAISY (EPUB)
# -------------------

def no_language_and_a_heading_without_level(data: bytes) -> bytes:
    data = data.replace(b' lang="es" xml:lang="es"', b"", 1)
    return data.replace(b"</h1>", b'</h1><p role="heading">Sin nivel</p>', 1)


def test_ace_reports_a_page_without_language_and_a_heading_without_level(minimal_published,
                                                                         tmp_path):
    """The defects are fed to the minimal fixture book's EPUB, which passed
    Ace when make published it: Ace then reads two pages, not the book's."""
    bad = rewrite_epub(minimal_published / "dist" / "mlops-handbook-es.epub",
                       tmp_path / "bad.epub",
                       {"capitulo.xhtml": no_language_and_a_heading_without_level})
    problems = check_ace.check([bad])
    assert any(p.startswith(f"{bad}/capitulo.xhtml: html-has-lang (serious)") for p in problems), problems
    assert any(p.startswith(f"{bad}/capitulo.xhtml: aria-required-attr (critical)")
               for p in problems), problems
    assert all("/capitulo.xhtml:" in p for p in problems), problems


def test_ace_checks_again_only_what_changed_and_repeats_cached_findings(minimal_published,
                                                                       tmp_path, monkeypatch):
    """With a cache, an unchanged EPUB runs no document through axe and
    still reports its violations; a changed chapter is checked again, and a
    changed style sheet has every document checked again.  Ace unzips each
    EPUB into a new temporary folder, whose name (even its length) differs
    from run to run."""
    import tempfile

    monkeypatch.setenv("CHECKER_CACHE", str(tmp_path / "cache"))
    # Short folders in /tmp: Chromium's sockets live there too, and a
    # socket's path has at most 107 bytes.
    short, longer = (Path(tempfile.mkdtemp(prefix=p)) for p in ("t", "t-longer-name-"))
    monkeypatch.setenv("TMPDIR", str(short))
    bad = rewrite_epub(minimal_published / "dist" / "mlops-handbook-es.epub",
                       tmp_path / "bad.epub",
                       {"capitulo.xhtml": no_language_and_a_heading_without_level})
    chapter = rewrite_epub(bad, tmp_path / "chapter.epub", {
        "capitulo.xhtml": lambda d: d.replace(b"Sin nivel", b"Sin nivel alguno")})
    with zipfile.ZipFile(bad) as z:
        css = next(n for n in z.namelist() if n.endswith(".css"))
    style = rewrite_epub(bad, tmp_path / "style.epub", {css: lambda d: d + b"\np { color: #777; }\n"})
    # A new commit changes the package's modification date, which no page reads.
    package = rewrite_epub(bad, tmp_path / "package.epub", {"content.opf": lambda d: re.sub(
        rb"(dcterms:modified\">)[^<]*", rb"\g<1>2031-01-01T00:00:00Z", d)})

    def counts(epub: Path) -> tuple[int, int]:
        output = check_ace.start([(epub, tmp_path / "report.json")], tmp_path).communicate()[0]
        found = re.fullmatch(r"(\d+) document\(s\) checked, (\d+) unchanged\n", output)
        assert found, output
        return int(found[1]), int(found[2])

    first = check_ace.check([bad])
    assert any(": html-has-lang (serious)" in p for p in first), first
    monkeypatch.setenv("TMPDIR", str(longer))
    cached = counts(bad)
    documents = sum(cached)
    assert documents >= 3 and cached == (0, documents)
    assert check_ace.check([bad]) == first
    assert b"2031-01-01" in zipfile.ZipFile(package).read("content.opf")
    assert counts(package) == (0, documents)
    assert counts(chapter) == (1, documents - 1)
    assert counts(style) == (documents, 0)
    shutil.rmtree(short)
    shutil.rmtree(longer)


def test_epubcheck_remembers_passes_by_checksum_never_failures(minimal_published, tmp_path,
                                                              monkeypatch):
    import check_epub

    monkeypatch.setenv("CHECKER_CACHE", str(tmp_path / "cache"))
    good = minimal_published / "dist" / "mlops-handbook-es.epub"
    bad = rewrite_epub(good, tmp_path / "bad.epub", {"capitulo.xhtml": lambda d: d.replace(
        b"</h1>", b'</h1><p><a href="nada.xhtml">roto</a></p>', 1)})
    runs, real_run = [], check_epub.run
    monkeypatch.setattr(check_epub, "run", lambda *epubs: runs.extend(epubs) or real_run(*epubs))
    assert [check_epub.main(["check_epub", str(good)]) for _ in range(2)] == [0, 0]
    assert check_epub.main(["check_epub", str(bad)]) == 1
    assert runs == [str(good), str(bad)]
    assert check_epub.verdict(str(good)).exists() and not check_epub.verdict(str(bad)).exists()


def test_epubcheck_checks_several_epubs_in_one_start_each_with_its_own_findings(
        minimal_published, tmp_path, monkeypatch):
    """One Java virtual machine for every EPUB of a call; what EPUBCheck
    prints about one EPUB is reported for that EPUB only, whatever the order."""
    import check_epub

    monkeypatch.delenv("CHECKER_CACHE", raising=False)
    good = minimal_published / "dist" / "mlops-handbook-es.epub"
    bad = rewrite_epub(good, tmp_path / "bad.epub", {"capitulo.xhtml": lambda d: d.replace(
        b"</h1>", b'</h1><p><a href="nada.xhtml">roto</a></p>', 1)})
    starts = []
    real_run = subprocess.run
    monkeypatch.setattr(check_epub.subprocess, "run",
                        lambda *a, **k: starts.append(a[0]) or real_run(*a, **k))
    first_bad = check_epub.run(str(bad), str(good), str(bad))
    assert len(starts) == 1
    assert [p.returncode for p in first_bad] == [1, 0, 1]
    assert all("RSC-007" in p.stdout and f"{bad}/capitulo.xhtml" in p.stdout
               for p in (first_bad[0], first_bad[2])), first_bad[0].stdout
    assert "RSC-007" not in first_bad[1].stdout and str(bad) not in first_bad[1].stdout
    assert [p.returncode for p in check_epub.run(str(good), str(bad))] == [0, 1]
    assert check_epub.main(["check_epub", str(good), str(bad)]) == 1


def test_epubcheck_server_answers_the_next_calls_and_stops_with_its_cache(
        minimal_published, tmp_path, monkeypatch):
    """With EPUBCHECK_SERVER=1 (the Makefile's), the first call starts a
    server that keeps EPUBCheck loaded, the next calls start no Java at all
    and get the findings a virtual machine of their own would, and removing
    $CHECKER_CACHE stops it."""
    import os
    import socket
    import sys
    import time

    import check_epub

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("CHECKER_CACHE", str(cache))
    monkeypatch.setenv("EPUBCHECK_SERVER", "1")
    good = minimal_published / "dist" / "mlops-handbook-es.epub"
    bad = rewrite_epub(good, tmp_path / "bad.epub", {"capitulo.xhtml": lambda d: d.replace(
        b"</h1>", b'</h1><p><a href="nada.xhtml">roto</a></p>', 1)})

    def server_listens() -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            return conn.connect_ex(check_epub.server_address()) == 0

    try:
        # As make runs it: through run_tool.py, by a relative name.
        made = subprocess.run([sys.executable, "tools/run_tool.py", "tools/check_epub.py",
                               str(good)], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "BUILDDIR": str(tmp_path)})
        assert made.returncode == 0, made.stdout + made.stderr
        assert server_listens()
        first = check_epub.run(str(bad), str(good))
        assert [p.returncode for p in first] == [1, 0]
        assert "RSC-007" in first[0].stdout and f"{bad}/capitulo.xhtml" in first[0].stdout
        starts = []
        real_run = subprocess.run
        monkeypatch.setattr(check_epub.subprocess, "run",
                            lambda *a, **k: starts.append(a[0]) or real_run(*a, **k))
        second = check_epub.run(str(good), str(bad))
        assert starts == [], "a virtual machine was started although the server was up"
        assert [p.returncode for p in second] == [0, 1]
        assert second[1].stdout == first[0].stdout
    finally:
        # Removed and made again (make clean; make): a build from nothing
        # gets no warm server.
        shutil.rmtree(cache)
        cache.mkdir()
    deadline = time.monotonic() + 4 * check_epub.POLL + 5
    while server_listens() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not server_listens(), "the server outlived its cache folder"


def test_epubcheck_checks_on_its_own_when_the_server_does_not_answer(
        minimal_published, tmp_path, monkeypatch):
    import socket
    import threading

    import check_epub

    monkeypatch.setenv("CHECKER_CACHE", str(tmp_path))
    monkeypatch.setenv("EPUBCHECK_SERVER", "1")
    good = minimal_published / "dist" / "mlops-handbook-es.epub"
    # Something holds the server's address and hangs up on every call.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as impostor:
        impostor.bind(check_epub.server_address())
        impostor.listen(1)
        threading.Thread(target=lambda: impostor.accept()[0].close(), daemon=True).start()
        assert [p.returncode for p in check_epub.run(str(good))] == [0]


def test_ace_checks_several_epubs_in_one_browser_each_with_its_own_findings(
        minimal_published, tmp_path, monkeypatch):
    monkeypatch.delenv("CHECKER_CACHE", raising=False)
    good = minimal_published / "dist" / "mlops-handbook-es.epub"
    bad = rewrite_epub(good, tmp_path / "bad.epub",
                       {"capitulo.xhtml": no_language_and_a_heading_without_level})
    runs = [(bad, tmp_path / "bad.json"), (good, tmp_path / "good.json")]
    output = check_ace.start(runs, tmp_path).communicate()[0]
    found = re.fullmatch(r"(\d+) document\(s\) checked, 0 unchanged\n", output)
    with zipfile.ZipFile(good) as z:
        documents = sum(n.endswith(".xhtml") for n in z.namelist())
    assert found and int(found[1]) == 2 * documents, output
    import json

    reports = [json.loads(report.read_text(encoding="utf-8")) for _, report in runs]
    assert check_ace.violations(bad, reports[0]) and not check_ace.violations(good, reports[1])
    problems = check_ace.check([good, bad])
    assert problems and all(p.startswith(f"{bad}/capitulo.xhtml: ") for p in problems), problems


def test_ace_finds_no_violation_in_either_edition(book):
    """The build ran Ace on each EPUB before publishing it (see checked())."""
    assert checked(book, "ace") == sorted(LANGS)


# axe-core (HTML)
# ---------------

def test_axe_reports_a_critical_violation_naming_the_page(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "bien.html").write_text(
        '<!DOCTYPE html><html lang="es"><head><title>Bien</title></head>'
        "<body><main><h1>Bien</h1><p>Texto.</p></main></body></html>", encoding="utf-8")
    (site / "mal.html").write_text(
        '<!DOCTYPE html><html lang="es"><head><title>Mal</title></head>'
        '<body><main><h1>Mal</h1><div role="list"><div>No es un elemento de lista</div></div>'
        "</main></body></html>", encoding="utf-8")
    problems = check_axe.problems(check_axe.run(check_axe.pages([str(site)])))
    assert problems, "axe-core found nothing"
    assert all("mal.html: " in p for p in problems), problems
    assert any("aria-required-children (critical)" in p and "[div[role=\"list\"]]" in p
               for p in problems), problems


def test_axe_checks_again_only_what_changed_and_repeats_cached_findings(tmp_path, monkeypatch):
    """With a cache, unchanged pages start no browser and still report their
    violations; an edited page is checked again, and an edited style sheet
    has every page checked again."""
    monkeypatch.setenv("CHECKER_CACHE", str(tmp_path / "cache"))
    site = tmp_path / "site"
    site.mkdir()
    head = '<head><title>{0}</title><link rel="stylesheet" href="estilo.css"/></head>'
    (site / "estilo.css").write_text("p { color: #222; }\n", encoding="utf-8")
    (site / "bien.html").write_text(
        f'<!DOCTYPE html><html lang="es">{head.format("Bien")}'
        "<body><main><h1>Bien</h1><p>Texto.</p></main></body></html>", encoding="utf-8")
    (site / "mal.html").write_text(
        f'<!DOCTYPE html><html lang="es">{head.format("Mal")}'
        '<body><main><h1>Mal</h1><div role="list"><div>No es un elemento de lista</div></div>'
        "</main></body></html>", encoding="utf-8")
    sent, real = [], check_axe.in_browser
    monkeypatch.setattr(check_axe, "in_browser",
                        lambda urls: sent.append(sorted(Path(u).name for u in urls)) or real(urls))

    def check() -> list[str]:
        return check_axe.problems(check_axe.run(check_axe.pages([str(site)])))

    first = check()
    assert any("mal.html: aria-required-children (critical)" in p for p in first), first
    assert check() == first
    (site / "bien.html").write_text((site / "bien.html").read_text().replace("Texto", "Otro"))
    assert check() == first
    (site / "estilo.css").write_text("p { color: #333; }\n", encoding="utf-8")
    assert check() == first
    assert sent == [["bien.html", "mal.html"], ["bien.html"], ["bien.html", "mal.html"]]


def test_axe_finds_no_violation_on_any_page(book):
    pages = check_axe.pages([str(book / "html")])
    for lang in LANGS:
        site = book / "html" / lang
        for page in ("index.html", "search.html", "referencias.html"):
            assert (site / page).as_uri() in pages
        assert (site / "search.html").as_uri() + "?q=MLOps" in pages  # with results
    assert (book / "html" / "index.html").as_uri() in pages  # the language chooser
    assert check_axe.problems(check_axe.run(pages)) == []


# The EPUB's identity and package
# -------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_each_edition_has_its_own_stable_identifier(book, lang):
    epub = book / f"mlops-handbook-{lang}.epub"
    assert check_artifacts.epub_identifier(epub) == IDENTIFIERS[lang]
    assert edition_config.epub_identifier(lang) == IDENTIFIERS[lang]
    with zipfile.ZipFile(epub) as archive:
        ncx = archive.read("toc.ncx").decode()
        opf = archive.read("content.opf").decode()
        names = archive.namelist()
    assert f'name="dtb:uid" content="{IDENTIFIERS[lang]}"' in ncx  # the NCX is kept
    assert "unknown" not in opf
    covers = [n for n in names if re.search(r"cover-\w+\.png$", n)]
    assert covers == [f"_static/cover-{lang}.png"]
    for unused in ("file.png", "minus.png", "plus.png", "copy-button.svg", "copybutton.css"):
        assert f"_static/{unused}" not in names or unused == "file.png", unused


def test_two_editions_with_one_identifier_are_reported(book, tmp_path):
    es = book / "mlops-handbook-es.epub"
    same = rewrite_epub(book / "mlops-handbook-en.epub", tmp_path / "mlops-handbook-en.epub", {
        "content.opf": lambda d: d.replace(IDENTIFIERS["en"].encode(), IDENTIFIERS["es"].encode())})
    problems = check_artifacts.distinct_identifiers([es, same])
    assert problems == [f"{same}: dc:identifier {IDENTIFIERS['es']!r} is also {es}'s; "
                        "a library would replace one edition with the other"]


def test_epub_gate_reports_an_unused_file_and_what_kindle_rejects(book, tmp_path):
    def opf(data: bytes) -> bytes:
        data = data.replace(b"</manifest>", b'<item id="x" href="_static/unused.png" '
                                            b'media-type="image/png"/></manifest>')
        return data.replace(b"<dc:language>es</dc:language>", b"<dc:language>es</dc:language>"
                                                             b"<dc:contributor>unknown</dc:contributor>")

    def page(data: bytes) -> bytes:
        data = data.replace(b'<?xml version="1.0" encoding="UTF-8"?>\n', b"")
        data = data.replace(b"<body>", b'<body id="top">', 1)
        return data.replace(b"</h1>", b'</h1><p><a href="desafios.xhtml#top">arriba</a></p>', 1)

    bad = rewrite_epub(book / "mlops-handbook-es.epub", tmp_path / "bad.epub",
                       {"content.opf": opf, "desafios.xhtml": page},
                       {"_static/unused.png": b"\x89PNG"})
    problems = check_artifacts.epub_text_and_problems(bad, "es")[1]
    text = "\n".join(problems)
    assert f"{bad}/_static/unused.png: in the package but used by no page" in text
    assert f"{bad}/content.opf: dc:contributor is the placeholder 'unknown'" in text
    assert f"{bad}/desafios.xhtml:1: no XML declaration naming UTF-8" in text
    assert re.search(rf"{re.escape(str(bad))}/desafios.xhtml:\d+: link to the <body> id "
                     r"desafios.xhtml#top", text), text


def test_epub_gate_reports_a_page_without_language_and_a_bad_comment(book, tmp_path):
    def page(data: bytes) -> bytes:
        data = data.replace(b' lang="es" xml:lang="es"', b"", 1)
        return data.replace(b"</h1>", b"</h1><!-- uno -- dos -->", 1)

    bad = rewrite_epub(book / "mlops-handbook-es.epub", tmp_path / "bad.epub",
                       {"desafios.xhtml": page, "glosario.xhtml": lambda d: d.replace(
                           b' lang="es" xml:lang="es"', b"", 1)})
    text = "\n".join(check_artifacts.epub_text_and_problems(bad, "es")[1])
    assert f"{bad}/glosario.xhtml:4: <html> has no lang" in text
    assert f"{bad}/glosario.xhtml:4: <html> has no xml:lang" in text
    # XML forbids '--' in a comment: the page is not XML, which Kindle refuses.
    assert re.search(rf"{re.escape(str(bad))}/desafios.xhtml:\d+: not well-formed XML: .*[Cc]omment",
                     text), text


# The PDF's pages
# ---------------

SPLIT_BOX = r"""\documentclass[a4paper]{article}
\pagestyle{plain}
\begin{document}
\section*{Cómo citar este capítulo}
Equipo. (2026). Capítulo (capítulo 1). En Libro.
\begin{verbatim}
@inbook{libro-es-capitulo,
  author = {{Equipo}},
  title = {Libro},
\end{verbatim}
\newpage
\begin{verbatim}
  language = {spanish}
}
\end{verbatim}
\end{document}
"""


@pytest.fixture(scope="module")
def split_box_pdf(tmp_path_factory) -> Path:
    if not shutil.which("xelatex"):
        pytest.skip("xelatex is needed (make system-deps)")
    folder = tmp_path_factory.mktemp("split-box")
    (folder / "split.tex").write_text(SPLIT_BOX, encoding="utf-8")
    proc = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "split.tex"],
                          cwd=folder, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    return folder / "split.pdf"


def test_pdf_gate_reports_a_split_citation_box_and_its_stranded_tail(split_box_pdf):
    problems = check_artifacts.pdf_layout_problems(PdfReader(split_box_pdf), split_box_pdf, set())
    assert problems == [
        f"{split_box_pdf}: page 1: the BibTeX entry '@inbook{{libro-es-capitulo,' does not end "
        "on this page: a citation box split across pages",
        f"{split_box_pdf}: page 2: holds only 2 line(s), the tail of the page before: "
        "'language = {spanish} / }'",
    ]


def test_pdf_gate_reports_a_blank_page_with_a_running_head(tmp_path):
    if not shutil.which("xelatex"):
        pytest.skip("xelatex is needed (make system-deps)")
    (tmp_path / "blank.tex").write_text(
        "\\documentclass[a4paper]{article}\\pagestyle{headings}\\begin{document}\n"
        "\\section{Uno}\\newpage\\markboth{Uno}{Uno}\\null\\newpage Fin.\\end{document}\n",
        encoding="utf-8")
    subprocess.run(["xelatex", "-interaction=nonstopmode", "blank.tex"], cwd=tmp_path,
                   capture_output=True, check=True)
    pdf = tmp_path / "blank.pdf"
    problems = check_artifacts.pdf_layout_problems(PdfReader(pdf), pdf, set())
    assert f"{pdf}: page 2: a blank page with a running head" in problems


@pytest.mark.parametrize("lang", LANGS)
def test_no_split_box_stranded_tail_or_headed_blank_page_in_the_book(book, lang):
    pdf = book / f"mlops-handbook-{lang}.pdf"
    labels = check_artifacts._continuation_labels(Path(__file__).parent.parent / "_build" / lang / "latex")
    assert check_artifacts.pdf_layout_problems(PdfReader(pdf), pdf, labels) == []
