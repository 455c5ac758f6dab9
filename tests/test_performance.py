"""What the build's speed rests on, asserted without timing anything.

Timings live in the benchmark (tools/bench.py, `make bench`); here only the
properties that make the pipeline fast and parallel: every local extension
declares itself parallel-safe, a no-op make does no work, plain make runs
steps side by side (the EPUB checkers too) with the same bytes as make -j1,
the release gates parse each artifact once, an edit to one
language's catalog rebuilds only that language, and the sidebar written in
linear time (_ext/sidebar_nav.py) is the theme's sidebar, page for page.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MAKE_ENV, ROOT, FixtureBook

sys.path.insert(0, str(ROOT / "_ext"))

EXTENSIONS = sorted(p.stem for p in (ROOT / "_ext").glob("*.py")
                    if "def setup(" in p.read_text(encoding="utf-8"))


class _App:
    """Just enough of Sphinx's application for setup() to register into."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.mark.parametrize("name", EXTENSIONS)
def test_every_local_extension_is_parallel_safe(name):
    metadata = importlib.import_module(name).setup(_App())
    assert metadata.get("parallel_read_safe") is True, name
    assert metadata.get("parallel_write_safe") is True, name


@pytest.mark.real_tree
def test_noop_make_does_no_sphinx_latex_or_diagram_work(book):
    # A real run (make --dry-run cannot tell: the input signatures are
    # checked on every run and rewritten only when an input changed).
    proc = subprocess.run(["make", "dist", "V=1"], cwd=ROOT, capture_output=True, text=True,
                          env=MAKE_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for tool in ("sphinx_build.py", "latex_run.py _build", "mermaid", "check_epub.py _build",
                 "check_ace.py _build",
                 "check_artifacts.py html", "check_artifacts.py pdf", "check_artifacts.py epub",
                 "check_artifacts.py all"):
        assert tool not in proc.stdout, f"a no-op make ran {tool}:\n{proc.stdout}"


@pytest.mark.real_tree
def test_a_catalog_edit_rebuilds_only_its_language(book):
    catalog = ROOT / "locales" / "en" / "LC_MESSAGES" / "por-que-es-importante.po"
    sigs = {lang: ROOT / "_build" / "inputs" / f"{lang}.sig" for lang in ("es", "en")}
    saved = {lang: (path.read_bytes(), path.stat()) for lang, path in sigs.items()}
    stat = catalog.stat()
    try:
        os.utime(catalog, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        proc = subprocess.run(["make", *(str(p.relative_to(ROOT)) for p in sigs.values())], cwd=ROOT,
                              capture_output=True, text=True, env=MAKE_ENV)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert sigs["es"].read_bytes() == saved["es"][0], "the Spanish edition would rebuild"
        assert sigs["en"].read_bytes() != saved["en"][0], "the English edition would not rebuild"
    finally:
        os.utime(catalog, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        for lang, (data, st) in saved.items():
            sigs[lang].write_bytes(data)
            os.utime(sigs[lang], ns=(st.st_atime_ns, st.st_mtime_ns))


def _sidebars(html_dir) -> dict[str, object]:
    """Each page's sidebar navigation as a comparable tree (tag, sorted
    attributes, children), whitespace between tags ignored."""
    from bs4 import BeautifulSoup, NavigableString

    def tree(element):
        if isinstance(element, NavigableString):
            return " ".join(element.split()) or None
        attrs = tuple(sorted((k, " ".join(sorted(v)) if isinstance(v, list) else v)
                             for k, v in element.attrs.items()))
        return (element.name, attrs, tuple(t for t in map(tree, element.children) if t))

    found = {}
    for page in sorted(html_dir.rglob("*.html")):
        nav = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("nav.bd-docs-nav")
        if nav is not None:
            found[str(page.relative_to(html_dir))] = tree(nav)
    return found


def test_book_nav_writes_the_themes_sidebar(tmp_path):
    built = {}
    stock = {"SPHINXOPTS": "-W --keep-going -n -q -D sidebar_nav_stock=1"}
    for sidebar, env in (("theme", stock), ("book", {})):
        book = FixtureBook("navigation", tmp_path / sidebar)
        run = book.make(f"{book.build}/es/html.stamp", env=env)
        assert run.returncode == 0, run.output
        built[sidebar] = _sidebars(book.build / "es" / "html")
    theme, ours = built["theme"], built["book"]
    assert sorted(ours) == sorted(theme)
    # Nested entries, a subfolder and an external link are in the fixture.
    assert {"dos-a.html", "parte/cuatro.html"} <= set(ours), sorted(ours)
    for page in theme:
        assert ours[page] == theme[page], f"{page}: book-nav.html differs from the theme's sidebar"


def test_book_nav_marks_the_page_and_its_branch(tmp_path):
    from bs4 import BeautifulSoup

    book = FixtureBook("navigation", tmp_path)
    assert book.make(f"{book.build}/es/html.stamp").returncode == 0
    page = BeautifulSoup((book.build / "es" / "html" / "parte" / "cuatro.html").read_text(encoding="utf-8"),
                         "html.parser")
    current = page.select("nav.bd-docs-nav li.current")
    assert [li.a.get_text(strip=True) for li in current] == ["3. Tres", "3.1. Cuatro"]
    assert page.select_one("nav.bd-docs-nav a.current")["href"] == "#"
    assert page.select_one('nav.bd-docs-nav a[href="../uno.html"]') is not None


def test_sphinx_writes_with_every_core():
    # Sphinx keeps its main process for resolving pages while it writes in
    # parallel, with N - 1 writers: -j must be one more than the cores.
    import os

    proc = subprocess.run(["make", "--dry-run", "--always-make", "_build/es/html.stamp"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if "sphinx_build.py" in l and "-b html" in l)
    assert f" -j {len(os.sched_getaffinity(0)) + 1} " in line, line  # nproc


def test_make_runs_on_every_core_unless_told_otherwise():
    """Plain make runs steps side by side (-j<cores>); `make -j1` keeps one
    at a time; both print each step's lines together (-O)."""
    def flags(*args):
        proc = subprocess.run(["make", "--no-print-directory", *args, "-p", "-q", "help"],
                              cwd=ROOT, capture_output=True, text=True, env=MAKE_ENV)
        return next(l for l in proc.stdout.splitlines() if l.startswith("MAKEFLAGS"))

    assert f"-j{len(os.sched_getaffinity(0))}" in flags()
    assert "--output-sync=target" in flags() or " -O" in flags()
    one = flags("-j1")
    assert f"-j{len(os.sched_getaffinity(0))}" not in one.replace("-j1", ""), one


def test_the_epub_checkers_are_steps_that_can_run_side_by_side():
    proc = subprocess.run(["make", "--dry-run", "--always-make", "-j1",
                           "dist/mlops-handbook-es.epub"], cwd=ROOT, capture_output=True,
                          text=True, env=MAKE_ENV)
    assert proc.returncode == 0, proc.stderr
    database = subprocess.run(["make", "-p", "-q", "dist/mlops-handbook-es.epub"], cwd=ROOT,
                              capture_output=True, text=True, env=MAKE_ENV).stdout
    rule = next(l for l in database.splitlines()
                if l.startswith("dist/mlops-handbook-es.epub:"))
    # Two prerequisites of the publishing step, not two commands in it.
    assert "_build/es/epubcheck.ok" in rule and "_build/es/ace.ok" in rule, rule


@pytest.mark.parametrize("goal, editions", [(["dist"], ["es", "en"]), (["epub", "LANG=en"], ["en"]),
                                            (["readthedocs-output", "LANG=es"], ["es"])])
def test_each_epub_checker_starts_once_for_the_editions_a_run_builds(goal, editions):
    """One EPUBCheck (one Java virtual machine) and one Ace (one browser) for
    every EPUB that the goal builds, not one per edition."""
    proc = subprocess.run(["make", "--dry-run", "--always-make", "-j1", *goal,
                           "READTHEDOCS_OUTPUT=/nonexistent"], cwd=ROOT, capture_output=True,
                          text=True, env=MAKE_ENV)
    assert proc.returncode == 0, proc.stderr
    epubs = " ".join(f"_build/{lang}/epub/mlops-handbook.epub" for lang in editions)
    for tool in ("check_epub.py", "check_ace.py"):
        runs = [line for line in proc.stdout.splitlines() if f"tools/{tool} " in line]
        assert len(runs) == 1 and f"tools/{tool} {epubs};" in runs[0], runs


def test_release_gates_parse_an_artifact_once(tmp_path):
    """`check_artifacts.py all` takes what the per-format gate read from the
    built file, only while the published file is that same file."""
    import check_artifacts

    built, published = tmp_path / "built.pdf", tmp_path / "published.pdf"
    built.write_bytes(b"%PDF one")
    check_artifacts.save_reading(built, {"text": "Capítulo uno"})
    published.write_bytes(built.read_bytes())
    assert check_artifacts.load_reading(built, published)["text"] == "Capítulo uno"
    published.write_bytes(b"%PDF two")
    assert check_artifacts.load_reading(built, published) is None


def test_the_real_books_gates_read_each_artifact_once(book):
    import check_artifacts

    for lang in ("es", "en"):
        for built, published in (("latex/mlops-handbook.pdf", f"mlops-handbook-{lang}.pdf"),
                                 ("epub/mlops-handbook.epub", f"mlops-handbook-{lang}.epub")):
            assert check_artifacts.load_reading(ROOT / "_build" / lang / built,
                                                book / published), (lang, built)


def test_make_j1_and_the_default_build_the_same_bytes(tmp_path):
    """Steps side by side change the time a build takes, not what it makes."""
    outputs = []
    for jobs in ("-j1", None):
        book = FixtureBook("diagrams", tmp_path / (jobs or "default"))
        # The EPUB as Sphinx packs it (its checkers are not what differs).
        run = book.make(*filter(None, [jobs]), "html", "latex", f"{book.build}/es/epub.stamp")
        assert run.returncode == 0, run.output
        outputs.append({p.relative_to(book.dist): p.read_bytes()
                        for p in book.dist.rglob("*") if p.is_file()})
        outputs[-1].update({Path("latex") / p.name: p.read_bytes()
                            for p in (book.build / "es" / "latex").glob("*.tex")})
        outputs[-1][Path("book.epub")] = (book.build / "es" / "epub" / "mlops-handbook.epub").read_bytes()
    assert outputs[0].keys() == outputs[1].keys()
    differ = [str(name) for name in outputs[0] if outputs[0][name] != outputs[1][name]]
    assert not differ, differ
