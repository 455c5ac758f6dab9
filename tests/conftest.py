"""Shared fixtures: the real book's built artifacts and fixture-book builds.

Tests over the real handbook read what ``make`` published in ``dist/`` (the
``book`` fixture runs ``make`` first, a no-op when it is up to date).  Tests
of failure cases build tiny books from ``tests/roots/test-<case>/`` with the
same Makefile into a temporary folder, so they exercise exactly the rule the
real book uses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The local extensions (_ext/) and the gates and build steps (tools/) are
# imported by the tests as modules.
import sys  # noqa: E402

sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tools")]

import tomllib  # noqa: E402

import edition_data  # noqa: E402

# The editions' data and the release, read where conf.py reads them.
EDITIONS = edition_data.load()
RELEASE = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
ROOTS = Path(__file__).resolve().parent / "roots"
DIST = ROOT / "dist"
LANG = "es"
# The seed text the book was ported from (a committed copy; test_book.py
# checks that it still matches ../shared/seed/ where that folder exists).
SEED = Path(__file__).resolve().parent / "data" / "mlops-introduccion.es.md"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "mlops-introduccion.es.md"


# The environment for a make run by a test: the flags of the make that runs
# the suite (`make -s test` would silence every command) are not the test's.
MAKE_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
# What EPUBCheck and Ace found, by content (tools/check_epub.py, check_ace.py).
CHECKER_CACHE = ROOT / "_build" / "checker-cache"
# Tests that call tools/check_epub.py in this process start a virtual
# machine per call, as they always did; the fixture books built by make
# share the EPUBCheck server of CHECKER_CACHE with the real book.
os.environ.pop("EPUBCHECK_SERVER", None)


def seed_links(heading: str) -> list[tuple[str, str]]:
    """(href, link text) of every link under the seed heading containing
    ``heading``, read with markdown-it (the parser MyST uses)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parse(SEED.read_text(encoding="utf-8"))
    links, inside = [], False
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            inside = heading in tokens[i + 1].content
        if inside and tok.type == "inline":
            links += [(child.attrs["href"], tok.content.split("](")[0].lstrip("["))
                      for child in tok.children if child.type == "link_open"]
    return links


def pytest_sessionstart(session) -> None:
    """Build the real book once, before any test runs: in the pytest process
    itself, or in the controller when the suite runs on several cores
    (pytest-xdist), never in a worker.  `make test` has just built it and
    says so (HANDBOOK_BUILT=1), which skips the no-op make."""
    if hasattr(session.config, "workerinput") or os.environ.get("HANDBOOK_BUILT") == "1":
        return
    proc = subprocess.run(["make", "-s", "all"], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise pytest.UsageError(f"make all failed:\n{proc.stdout}\n{proc.stderr}")


def numbered_chapters() -> list[str]:
    """The documents of the numbered toctree of book/index.md, in order,
    read with MyST's parser (the chapter count is the book's, not a
    constant)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)
    tokens = parser.parse((ROOT / "book" / "index.md").read_text(encoding="utf-8"))
    for token in tokens:
        if token.type in ("fence", "colon_fence") and token.info.startswith("{toctree}") \
                and ":numbered:" in token.content:
            return [line.strip() for line in token.content.splitlines()
                    if line.strip() and not line.lstrip().startswith(":")]
    raise AssertionError("book/index.md has no numbered toctree")


@pytest.fixture(scope="session")
def book() -> Path:
    """The published artifacts of the real book (built at session start)."""
    return DIST


def checked(book, checker: str) -> list[str]:
    """The editions whose published EPUB is, byte for byte, the one that
    ``checker`` passed during the build (make runs EPUBCheck and Ace before
    publishing and records the checksum of what passed in
    ``_build/<lang>/<checker>.ok``): proof that they pass without running
    the checker a second time."""
    import hashlib

    passed = []
    for lang in sorted(EDITIONS):
        record = ROOT / "_build" / lang / f"{checker}.ok"
        digest = hashlib.sha256((book / f"mlops-handbook-{lang}.epub").read_bytes()).hexdigest()
        if record.exists() and record.read_text().split()[:1] == [digest]:
            passed.append(lang)
    return passed


@dataclass
class Run:
    returncode: int
    output: str


class FixtureBook:
    """A copy of ``tests/roots/test-<name>`` built with the real Makefile."""

    def __init__(self, name: str, tmp: Path, built: Path | None = None) -> None:
        """A fresh copy of the fixture, or with ``built`` a copy of a folder
        that holds one already built (its src/, build/ and dist/)."""
        self.src = tmp / "src"
        self.build = tmp / "build"
        self.dist = tmp / "dist"
        if built is None:
            shutil.copytree(ROOTS / f"test-{name}", self.src)
            return
        for folder in (self.src, self.build, self.dist):
            # copy2 keeps the times, so make sees what it saw after that build.
            shutil.copytree(built / folder.name, folder, symlinks=True)

    @classmethod
    def existing(cls, folder: Path) -> "FixtureBook":
        """The book in ``folder`` (its src/, build/ and dist/) itself, not a copy."""
        book = cls.__new__(cls)
        book.src, book.build, book.dist = folder / "src", folder / "build", folder / "dist"
        return book

    def make(self, *targets: str, env: dict | None = None) -> Run:
        # The checkers' verdicts are shared by every fixture build (and the
        # real book's): most fixture EPUBs repeat the same pages.
        cmd = ["make", "--no-print-directory", *targets,
               f"SOURCEDIR={self.src}", f"CONFDIR={self.src}",
               f"BUILDDIR={self.build}", f"DISTDIR={self.dist}",
               f"LOCALEDIR={self.src / 'locales'}", f"CHECKER_CACHE={CHECKER_CACHE}"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              env={**MAKE_ENV, "SPHINXOPTS": "-W --keep-going -n -q",
                                   **(env or {})})
        return Run(proc.returncode, proc.stdout + proc.stderr)

    def sphinx(self, builder: str = "html", **overrides) -> Run:
        """Build the book with Sphinx in this process (sphinx.testing), as
        `make` would with -W --keep-going -n: the run fails when Sphinx
        warns, and its output is the warnings.  For what the extensions
        check; what the Makefile does (publishing, gates) needs make()."""
        from io import StringIO

        from sphinx.errors import SphinxError
        from sphinx.testing.util import SphinxTestApp

        warnings = StringIO()
        app = SphinxTestApp(builder, srcdir=self.src, builddir=self.build / "sphinx",
                            confoverrides={"nitpicky": True, **overrides},
                            status=StringIO(), warning=warnings)
        try:
            app.build()
        except SphinxError as error:  # an extension stopped the build
            warnings.write(f"{type(error).__name__}: {error}\n")
        finally:
            app.cleanup()
        output = warnings.getvalue()
        return Run(1 if output else 0, output)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.src / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def fixture_book(tmp_path, monkeypatch):
    # An in-process build renders its diagrams into its own cache.
    monkeypatch.setenv("DIAGRAM_CACHE", str(tmp_path / "build" / "diagram-cache"))
    return lambda name: FixtureBook(name, tmp_path)


@pytest.fixture(scope="session")
def minimal_published(tmp_path_factory) -> Path:
    """The minimal fixture book built by make once (its tests share one
    xdist group, see pytest_collection_modifyitems), every format
    published: the previous book of the tests that feed it a defect or
    interrupt its next build.  Building it once spares each of them an EPUB
    (EPUBCheck, Ace) or a PDF (LaTeX) of their own."""
    folder = tmp_path_factory.mktemp("minimal-published")
    run = FixtureBook("minimal", folder).make("html", "epub", "pdf")
    assert run.returncode == 0, run.output
    return folder


@pytest.fixture
def published_minimal(minimal_published, tmp_path) -> FixtureBook:
    """A copy of ``minimal_published`` in this test's folder.  Its sources
    have moved, so Sphinx reads them all again in the next build; what
    reaches dist/ goes through every rule and gate as after any edit."""
    return FixtureBook("minimal", tmp_path, built=minimal_published)


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test that reads the real book ``book`` (``-m "not book"``
    runs the fixture-book and unit tests alone).  Tests that run make in the
    real tree (marked ``real_tree``) share one worker, so that none of them
    sees another's temporary edit of the tree; so do the tests that start
    from the published minimal book, so that it is built once."""
    for item in items:
        if {"book", "pot_dir"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.book)
        if item.get_closest_marker("real_tree"):
            item.add_marker(pytest.mark.xdist_group("real-tree"))
        # One worker builds the published minimal book, for all its tests.
        if "minimal_published" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("minimal-published"))
        if getattr(config.option, "loadgroup", False):  # an xdist worker, --dist loadgroup
            _name_group(item)
    items.sort(key=_longest_first)


# The longest tests and groups, handed out first (pytest-xdist gives tests to
# the workers in collection order), so that no worker is left with one of
# them at the end while the other has nothing to do: the Read the Docs
# builds, the clean rebuild, axe over every page, the published minimal
# book's group.
LONGEST = ("read-the-docs", "test_a_clean_build_is_byte_identical_to_the_published_one",
           "test_axe_finds_no_violation_on_any_page", "minimal-published")


def _longest_first(item) -> int:
    names = {item.originalname} | {str(mark.args[0]) for mark in item.iter_markers("xdist_group")
                                   if mark.args}
    return next((rank for rank, name in enumerate(LONGEST) if name in names), len(LONGEST))


def _name_group(item) -> None:
    """pytest-xdist's --dist loadgroup sends the tests whose node id ends in
    ``@<group>`` to one worker.  pytest-xdist 3.8 adds that suffix through
    ``Node._nodeid``, which pytest 9 no longer reads (``Node.nodeid`` is
    ``str(Node._id)``): without this, every test of a group is scheduled on
    its own and the groups are spread over the workers."""
    names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                    for mark in item.iter_markers("xdist_group")})
    if not names or "@" in item.nodeid.rpartition("]")[2]:
        return
    item._id = type(item._id).parse(f"{item.nodeid}@{'_'.join(names)}")
