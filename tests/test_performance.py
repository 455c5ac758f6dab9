"""What the build's speed rests on, asserted without timing anything.

Timings live in the benchmark (_ext/bench.py, `make bench`); here only the
properties that make the pipeline fast and parallel: every local extension
declares itself parallel-safe, a no-op make does no work, and an edit to
one language's catalog rebuilds only that language.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from conftest import ROOT

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


def test_noop_make_does_no_sphinx_latex_or_diagram_work(book):
    proc = subprocess.run(["make", "--dry-run", "dist"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0
    for tool in ("sphinx-build", "latex_run", "mermaid", "epub_check", "check_artifacts"):
        assert tool not in proc.stdout, f"a no-op make would run {tool}:\n{proc.stdout}"


def test_a_catalog_edit_rebuilds_only_its_language(book):
    catalog = ROOT / "locales" / "en" / "LC_MESSAGES" / "ventajas.po"
    proc = subprocess.run(["make", "--dry-run", "dist", f"--what-if={catalog.relative_to(ROOT)}"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0
    assert "language=en" in proc.stdout
    assert "language=es" not in proc.stdout, proc.stdout
