"""Release artifacts: complete, checksummed, gated, reproducible, safe.

The gates of tools/check_artifacts.py run on the real book, and each is fed
a defect it must report.  Bad sources and an interrupted build must leave
dist/ as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import zipfile

import pytest
from pypdf import PdfWriter

from conftest import CHECKER_CACHE, MAKE_ENV, ROOT, FixtureBook

sys.path.insert(0, str(ROOT / "_ext"))
import check_artifacts  # noqa: E402

from conftest import EDITIONS, RELEASE  # noqa: E402

LANGS = list(EDITIONS)


def artifacts(lang: str) -> list[str]:
    return [f"mlops-handbook-{lang}.pdf", f"mlops-handbook-{lang}.epub",
            f"mlops-handbook-{lang}-html.zip", f"mlops-handbook-{lang}-objects.inv"]


def test_dist_has_every_artifact_with_checksums(book):
    sums = dict(reversed(line.split("  ")) for line in
                (book / "SHA256SUMS").read_text().splitlines())
    assert sorted(sums) == sorted(a for lang in LANGS for a in artifacts(lang))
    for name, digest in sums.items():
        assert hashlib.sha256((book / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.real_tree
def test_release_copies_carry_the_version(book):
    proc = subprocess.run(["make", "-s", "release"], cwd=ROOT, capture_output=True, text=True,
                          env=MAKE_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    release = book / "release"
    for lang in LANGS:
        for name in artifacts(lang):
            versioned = name.replace("mlops-handbook-", f"mlops-handbook-{RELEASE}-")
            assert (release / versioned).read_bytes() == (book / name).read_bytes()
    check = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=release)
    assert check.returncode == 0


@pytest.mark.parametrize("lang", LANGS)
def test_every_gate_passes_on_the_real_book(book, lang):
    assert check_artifacts.check_language(book, ROOT / "_build", lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_each_html_edition_links_to_its_pdf_and_epub(book, lang):
    page = (book / "html" / lang / "index.html").read_text(encoding="utf-8")
    for ext in ("pdf", "epub"):
        assert f'href="mlops-handbook-{lang}.{ext}"' in page
        assert (book / "html" / lang / f"mlops-handbook-{lang}.{ext}").read_bytes() == \
            (book / f"mlops-handbook-{lang}.{ext}").read_bytes()


def test_html_zip_works_from_disk_search_included(book, tmp_path):
    with zipfile.ZipFile(book / "mlops-handbook-es-html.zip") as archive:
        archive.extractall(tmp_path)
    site = tmp_path / "mlops-handbook-es"
    assert (site / "mlops-handbook-es.pdf").is_file()
    proc = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
         "--dump-dom", (site / "search.html").as_uri() + "?q=reentrenamiento"],
        capture_output=True, text=True, timeout=120)
    assert 'href="glosario.html' in proc.stdout.split('id="search-results"')[-1], \
        "searching the unzipped site from file:// found nothing"


# The gates, each fed a defect
# ----------------------------

def test_epub_gate_reports_script_remote_resource_alt_and_metadata(book, tmp_path):
    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(book / "mlops-handbook-es.epub") as src, \
            zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "por-que-es-importante.xhtml":
                data = data.replace(b"</body>", b'<script>1</script><img src="https://example.org/x.png" alt=""/></body>')
            if item.filename.endswith(".opf"):
                data = data.replace(b'property="schema:accessibilityHazard"', b'property="x"')
            dst.writestr(item, data)
    problems = "\n".join(check_artifacts.epub_text_and_problems(bad, "es")[1])
    assert "por-que-es-importante.xhtml" in problems and "<script>" in problems
    assert "remote resource https://example.org/x.png" in problems
    assert "image without alt text" in problems
    assert "no schema:accessibilityHazard metadata" in problems
    assert check_artifacts.epub_text_and_problems(bad, "en")[1][0].endswith("dc:language is not 'en'")


def test_pdf_gate_reports_paper_metadata_log_and_unresolved(tmp_path):
    pdf = tmp_path / "bad.pdf"
    writer = PdfWriter()
    writer.add_blank_page(612, 792)  # US Letter
    writer.write(pdf)
    log = tmp_path / "bad.log"
    log.write_text("Missing character: There is no ł in font x!\n"
                   "Overfull \\hbox (12.5pt too wide) in paragraph at lines 10--12\n"
                   "Overfull \\hbox (1.0pt too wide) in paragraph at lines 20--21\n")
    problems = "\n".join(check_artifacts.pdf_text_and_problems(
        pdf, "es", log, chapters=9, expected=EDITIONS["es"])[1])
    assert "not A4" in problems
    assert "title None" in problems and "author None" in problems
    assert "document language is not 'es'" in problems
    assert "0 top-level outline entries for 9 chapters" in problems
    assert "Missing character: There is no ł" in problems
    assert "1 overfull boxes wider than 3.0 pt; worst: Overfull \\hbox (12.5pt too wide)" in problems


def test_html_gate_reports_remote_assets_and_missing_lang(tmp_path):
    site = tmp_path / "es"
    site.mkdir()
    (site / "x.html").write_text(
        '<html><head><script src="https://cdn.example.org/a.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/f.css"></head><body></body></html>')
    problems = "\n".join(check_artifacts.html_items_and_problems(site, "es")[1])
    assert "lang=None, expected 'es'" in problems
    assert "<script> from another host: https://cdn.example.org/a.js" in problems
    assert "<link> from another host: //fonts.example.org/f.css" in problems


def test_parity_gate_reports_what_a_format_dropped():
    items = {"figure": ["Nivel 1: la canalización de entrenamiento se ejecuta sola."],
             "term": ["registro de modelos"]}
    problems = check_artifacts.parity(items, {
        "book.pdf": "Figura 8.2: Nivel 1: la canali-\nzación de entrenamiento se ejecuta sola. registro de modelos",
        "book.epub": "registro de modelos"})
    assert problems == ["book.epub: figure missing: 'Nivel 1: la canalización de entrenamiento se ejecuta sola.'"]


# Bad input and interruptions
# ---------------------------

@pytest.mark.parametrize("defect, old, new, expected", [
    ("myst", "Otro párrafo.", "```{recuadro}\nUn aviso.\n```", "capitulo.md:9: WARNING: Unknown directive type: 'recuadro'"),
    ("image", "Otro párrafo.", "![Un gráfico](no-existe.png)", "capitulo.md:9: WARNING: image file not readable: no-existe.png"),
])
def test_bad_source_stops_make_and_keeps_dist(published_minimal, defect, old, new, expected):
    book = published_minimal  # built: HTML, EPUB and PDF published
    before = {p: p.read_bytes() for p in book.dist.rglob("*") if p.is_file()}
    book.edit("capitulo.md", old, new)
    run = book.make("html", "epub")
    assert run.returncode != 0
    assert expected in run.output, run.output
    after = {p: p.read_bytes() for p in book.dist.rglob("*") if p.is_file()}
    assert after == before


def test_an_epub_that_fails_ace_is_not_published(published_minimal):
    """A violation that only Ace finds (EPUBCheck passes the EPUB) stops the
    EPUB through make, names the page, and Ace records no pass of it."""
    book = published_minimal
    published = (book.dist / "mlops-handbook-es.epub").read_bytes()
    book.edit("capitulo.md", "Otro párrafo.",
              'Otro párrafo.\n\n<p role="heading">Sin nivel</p>\n')
    run = book.make("epub")
    assert run.returncode != 0, run.output
    assert "/capitulo.xhtml: aria-required-attr (critical)" in run.output, run.output
    built = hashlib.sha256((book.build / "es" / "epub" / "mlops-handbook.epub").read_bytes())
    ace_ok = book.build / "es" / "ace.ok"  # the previous EPUB's pass, if any
    assert not ace_ok.exists() or built.hexdigest() not in ace_ok.read_text()
    assert (book.dist / "mlops-handbook-es.epub").read_bytes() == published


def test_malformed_catalog_stops_the_build_with_file_and_line(fixture_book):
    book = fixture_book("i18n")
    po = book.src / "locales" / "en" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Details"', 'msgstr "Details'),
                  encoding="utf-8")
    run = book.make("html", "LANG=en")
    assert run.returncode != 0
    assert "index.po:" in run.output and "ERROR: end-of-line within string" in run.output, run.output
    assert not (book.dist / "html" / "en").exists()


# Named moments of publishing, each the last command before the build is
# killed: (command the stand-in wraps, what its last argument ends with).
# The HTML site's swap is tested in-process below (tools/publish_dir.py).
INTERRUPTIONS = {
    "pdf copied, not yet renamed": ("cp", "mlops-handbook-es.pdf.tmp"),
    "pdf renamed into place": ("mv", "mlops-handbook-es.pdf"),
    "checksums withdrawn": ("rm", "SHA256SUMS"),
}
STAND_IN = """#!/bin/sh
# Runs the real {cmd}, then kills the whole build (its process group) when
# the last argument is the named one.
/usr/bin/env -u PATH PATH=/usr/bin:/bin {cmd} "$@"; status=$?
for last; do :; done
case "$last" in *{suffix}) kill -KILL 0 ;; esac
exit $status
"""


@pytest.fixture(scope="session")
def minimal_edited(minimal_published, tmp_path_factory) -> FixtureBook:
    """The published minimal book with a paragraph edited, its HTML and PDF
    built and through their gates but not yet published: what make does
    before the moments of INTERRUPTIONS, done once for all of them."""
    book = FixtureBook("minimal", tmp_path_factory.mktemp("minimal-edited"),
                       built=minimal_published)
    book.edit("capitulo.md", "Otro párrafo.", "Otro párrafo, cambiado.")
    run = book.make(f"{book.build}/es/html.stamp", f"{book.build}/es/pdf.ok")
    assert run.returncode == 0, run.output
    return book


@pytest.mark.parametrize("moment", INTERRUPTIONS)
def test_interrupted_build_leaves_dist_consistent(minimal_edited, minimal_published, tmp_path,
                                                  moment):
    """Killed at each named moment of publishing, every published file is
    either the previous one or the complete new one, never a partial
    artifact; the next build completes the book.  The build folder is
    shared (publishing only reads it); each case publishes into a copy of
    the previous dist/."""
    book = FixtureBook.existing(minimal_edited.src.parent)
    book.dist = tmp_path / "dist"
    shutil.copytree(minimal_published / "dist", book.dist)
    before = {p: p.read_bytes() for p in book.dist.rglob("*") if p.is_file()}
    cmd, suffix = INTERRUPTIONS[moment]
    stand_ins = tmp_path / "stand-ins"
    stand_ins.mkdir()
    (stand_ins / cmd).write_text(STAND_IN.format(cmd=cmd, suffix=suffix))
    (stand_ins / cmd).chmod(0o755)
    make = ["make", "--no-print-directory", "html", "pdf", f"SOURCEDIR={book.src}",
            f"CONFDIR={book.src}", f"BUILDDIR={book.build}", f"DISTDIR={book.dist}",
            f"LOCALEDIR={book.src / 'locales'}"]
    proc = subprocess.run(make, cwd=ROOT, capture_output=True, text=True, start_new_session=True,
                          env={**MAKE_ENV, "PATH": f"{stand_ins}:{os.environ['PATH']}"})
    assert proc.returncode == -signal.SIGKILL, f"never reached {moment!r}: {proc.stdout}"
    assert "Sphinx" not in proc.stdout and "LaTeX" not in proc.stdout, proc.stdout
    killed = {p: p.read_bytes() for p in book.dist.rglob("*") if p.is_file()
              and not any(part.endswith((".tmp", ".new", ".old")) for part in p.parts)}
    finish = book.make("html", "pdf")
    assert finish.returncode == 0, finish.output
    assert "Sphinx" not in finish.output and "LaTeX" not in finish.output, finish.output
    final = {p: p.read_bytes() for p in book.dist.rglob("*") if p.is_file()}
    for path, data in killed.items():
        assert data in (before.get(path), final.get(path)), f"{path.name} is neither old nor new"
    assert set(before) <= set(killed), "a published file went missing"
    assert b"Otro p\xc3\xa1rrafo, cambiado." in (book.dist / "html" / "es" / "capitulo.html").read_bytes()


@pytest.mark.parametrize("moment", ["copied, not yet exchanged", "exchanged, old not removed"])
def test_a_site_is_published_in_one_step(tmp_path, monkeypatch, moment):
    """Interrupted at each moment of publishing a folder, the published
    folder is the whole old site or the whole new one; the next run
    publishes the new one and leaves nothing behind."""
    import publish_dir

    def site(path, text):
        (path / "sub").mkdir(parents=True)
        for name in ("index.html", "sub/page.html"):
            (path / name).write_text(text)

    src, dest = tmp_path / "build", tmp_path / "dist" / "es"
    site(src, "new")
    site(dest, "old")
    real = publish_dir.exchange

    def interrupted(a, b):
        if moment.startswith("exchanged"):
            real(a, b)
        raise KeyboardInterrupt

    monkeypatch.setattr(publish_dir, "exchange", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish_dir.publish(src, dest)
    texts = {(dest / n).read_text() for n in ("index.html", "sub/page.html")}
    assert texts in ({"old"}, {"new"}), texts
    monkeypatch.setattr(publish_dir, "exchange", real)
    publish_dir.publish(src, dest)
    assert {(dest / n).read_text() for n in ("index.html", "sub/page.html")} == {"new"}
    assert sorted(p.name for p in dest.parent.iterdir()) == ["es"]


def test_a_published_site_keeps_its_downloads_until_the_new_ones_arrive(tmp_path):
    """The edition's PDF and EPUB are copied into its site after the site is
    published; until then the site holds the previous ones, never none."""
    import publish_dir

    src, dest = tmp_path / "build", tmp_path / "dist" / "es"
    src.mkdir(parents=True)
    (src / "index.html").write_text("new")
    dest.mkdir(parents=True)
    (dest / "index.html").write_text("old")
    (dest / "libro.pdf").write_text("old pdf")
    (dest / "borrado.html").write_text("a page that is gone")
    publish_dir.main([str(src), str(dest), "--keep", "libro.pdf", "--keep", "libro.epub"])
    assert sorted(p.name for p in dest.iterdir()) == ["index.html", "libro.pdf"]
    assert (dest / "index.html").read_text() == "new"
    assert (dest / "libro.pdf").read_text() == "old pdf"


def test_a_clean_build_is_byte_identical_to_the_published_one(book, tmp_path):
    """Every artifact of every language, built again from scratch into
    another folder (diagram cache included), byte for byte the same as the
    published one, which incremental builds made: reproducible, and no
    incremental build leaves a trace."""
    from pypdf import PdfReader

    # Dates come from the last commit (SOURCE_DATE_EPOCH), and a commit alone
    # rebuilds nothing: a book built before the last commit carries older
    # dates than a clean build now would (CI always builds at HEAD).
    built = int(PdfReader(book / "mlops-handbook-es.pdf").metadata.creation_date.timestamp())
    head = int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT,
                              capture_output=True, text=True).stdout or 0)
    if built != head:
        pytest.skip("dist/ was built before the last commit; `make clean && make` to compare")
    # The checkers' verdicts are the published build's (CHECKER_CACHE): they
    # decide whether an artifact is published, never what is in it, and a
    # clean build that makes the same bytes needs no second verdict.  Only
    # what differs would be checked again.
    proc = subprocess.run(["make", "-s", "dist", f"BUILDDIR={tmp_path / 'build'}",
                           f"DISTDIR={tmp_path / 'dist'}",
                           f"CHECKER_CACHE={CHECKER_CACHE}"],
                          cwd=ROOT, capture_output=True, text=True, env=MAKE_ENV)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    def digests(dist):
        return {p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(dist.rglob("*")) if p.is_file() and "release" not in p.parts}

    clean, published = digests(tmp_path / "dist"), digests(book)
    assert clean.keys() == published.keys()
    different = [name for name in clean if clean[name] != published[name]]
    assert not different, f"not reproducible: {different}"
    shutil.rmtree(tmp_path)


@pytest.mark.real_tree
def test_checksums_are_withdrawn_before_anything_is_republished(book):
    """A build interrupted between two publications must not leave a
    SHA256SUMS that lists the previous artifacts."""
    proc = subprocess.run(["make", "--dry-run", "dist", "--what-if=book/index.md"],
                          cwd=ROOT, capture_output=True, text=True, env=MAKE_ENV)
    lines = proc.stdout.splitlines()
    first_publish = next(i for i, line in enumerate(lines) if "cp " in line and "dist/" in line)
    assert "rm -f dist/SHA256SUMS" in lines[first_publish]
    assert "sha256sum" in lines[-1] or any("sha256sum" in line for line in lines[first_publish:])


@pytest.mark.parametrize("keep", [True, False], ids=["with search_index_entries", "stock"])
def test_an_incremental_build_keeps_the_index_entries_of_unchanged_pages(fixture_book, keep):
    """Sphinx 9.0 drops them from searchindex.js (see _ext/search_index_entries.py)."""
    book = fixture_book("minimal")
    conf = book.src / "conf.py"
    if keep:
        conf.write_text(conf.read_text() + "\nextensions.append('search_index_entries')\n")
    # More than five pages: Sphinx reads and writes them in parallel.
    for n in range(6):
        (book.src / f"extra-{n}.md").write_text(
            f"(cap-extra-{n})=\n# Extra {n}\n\nUna {{index}}`entrada única {n}`.\n", encoding="utf-8")
    book.edit("index.md", "capitulo\n", "capitulo\n" + "".join(f"extra-{n}\n" for n in range(6)))
    assert book.make("html", "JOBS=3").returncode == 0
    book.edit("capitulo.md", "Otro párrafo.", "Otro párrafo, cambiado.")
    assert book.make("html", "JOBS=3").returncode == 0
    index = (book.dist / "html" / "es" / "searchindex.js").read_text(encoding="utf-8")
    assert ("entrada \\u00fanica 0" in index) is keep


@pytest.mark.parametrize("fixed", [True, False], ids=["with search_index_entries", "stock"])
def test_an_incremental_build_forgets_a_word_no_page_contains(fixture_book, fixed):
    """Stock Sphinx keeps the removed word's key with no pages ("xyzzy": [])."""
    book = fixture_book("minimal")
    conf = book.src / "conf.py"
    if fixed:
        conf.write_text(conf.read_text() + "\nextensions.append('search_index_entries')\n")
    book.edit("capitulo.md", "Otro párrafo.", "Otro párrafo con xyzzy.")
    assert book.make("html").returncode == 0
    assert '"xyzzy"' in (book.dist / "html" / "es" / "searchindex.js").read_text(encoding="utf-8")
    book.edit("capitulo.md", "Otro párrafo con xyzzy.", "Otro párrafo.")
    assert book.make("html").returncode == 0
    index = (book.dist / "html" / "es" / "searchindex.js").read_text(encoding="utf-8")
    assert ('"xyzzy"' in index) is not fixed
