"""Set-up on a fresh machine: the package selection, the Python check, the log.

The end-to-end proof is the clean room (``make clean-room``, run by CI);
these tests pin the parts that can fail quietly on a prepared machine.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))

import book_fonts  # noqa: E402
import system_deps  # noqa: E402

PROBES = {probe: package for package, _, probe in system_deps.PROBES}


def select(present: set[str]) -> list[str]:
    """The packages apt is asked for when only ``present`` probes pass."""
    have = present.__contains__
    return [package for package, _ in system_deps.missing_packages(have, have, have)]


def test_nothing_asked_when_everything_is_present():
    assert select(set(PROBES)) == []


def test_only_the_missing_packages_are_asked_for():
    present = set(PROBES) - {"xelatex", "chromium", "/usr/share/hunspell/es_ES.dic"}
    assert select(present) == ["texlive-xetex", "chromium", "hunspell-es"]


def test_npm_is_never_asked_for_when_npm_is_present():
    # Node.js from NodeSource: node and npm present, no Debian npm package,
    # and everything else missing.
    asked = select({"node", "npm"})
    assert "npm" not in asked and "nodejs" not in asked
    assert "chromium" in asked and "texlive-xetex" in asked


def test_every_package_has_a_probe_and_the_command_names_only_those():
    packages = [package for package, _, _ in system_deps.PROBES]
    assert len(set(packages)) == len(packages), "one probe per package"
    assert system_deps.apt_command(["chromium"]).endswith("--no-install-recommends chromium")


@functools.cache
def installed_by_probes() -> set[str]:
    """The probed packages and what they depend on (Debian 13 moved DejaVu
    Sans Mono to fonts-dejavu-mono, which fonts-dejavu-core depends on)."""
    names = set(PROBES.values())
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Depends}\n", *sorted(names)],
                         capture_output=True, text=True).stdout
    return names | set(re.findall(r"(?:^|[,|]\s*)([a-z0-9][a-z0-9.+-]+)", out, re.M))


@pytest.mark.parametrize("family", re.findall(r"\\(?:set\w+font|newfontfamily\\\w+)\{([^}]+)\}",
                                              book_fonts.FONTPKG))
def test_every_font_of_the_books_comes_from_a_probed_package(family):
    files = subprocess.run(["fc-list", f":family={family}", "file"], capture_output=True,
                           text=True, check=True).stdout.split()
    assert files, f"font {family!r} is not installed"
    for file in files:
        owner = subprocess.run(["dpkg", "-S", file.rstrip(":")], capture_output=True,
                               text=True).stdout.split(":")[0]
        assert owner in installed_by_probes(), \
            f"{file} ({family}) comes from {owner!r}, which no probe installs"


def fake_python(tmp_path: Path, version: str) -> str:
    exe = tmp_path / f"python{version}"
    exe.write_text(f"#!/bin/sh\necho {exe}\necho {version}\n")
    exe.chmod(0o755)
    return str(exe)


def test_an_older_python_is_refused_with_the_reason(tmp_path, capsys):
    assert system_deps.check_python(fake_python(tmp_path, "3.10.12")) == 1
    err = capsys.readouterr().err
    assert "Python 3.10.12" in err and ">= 3.11" in err and "requires-python" in err


def test_debian_12_python_is_accepted(tmp_path, capsys):
    assert system_deps.check_python(fake_python(tmp_path, "3.11.2")) == 0
    assert "Python 3.11.2" in capsys.readouterr().out


def test_the_lock_admits_debian_12_python():
    """No pinned package may require more than Debian 12's Python 3.11.2
    (soupsieve 4.1 needs 3.11.5); pip reads Requires-Python from the
    installed metadata."""
    from importlib.metadata import distributions

    from packaging.specifiers import SpecifierSet

    locked = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.lock")
                             .read_text(), re.M))
    refused = []
    for dist in distributions():
        name = dist.metadata["Name"].lower().replace("_", "-")
        spec = dist.metadata.get("Requires-Python")
        if name in locked and spec and "3.11.2" not in SpecifierSet(spec):
            refused.append(f"{name}=={dist.version} requires Python {spec}")
    assert refused == []


# The build log -------------------------------------------------------------

def test_log_is_one_line_per_step_and_v1_shows_commands(fixture_book):
    book = fixture_book("minimal")
    cold = book.make("html")
    assert cold.returncode == 0, cold.output
    assert "[es/html] Sphinx -> " in cold.output
    noop = book.make("html")
    assert noop.returncode == 0
    assert len(noop.output.splitlines()) <= 2, noop.output
    book.edit("capitulo.md", "Otro párrafo.", "Otro párrafo, cambiado.")
    again = book.make("html")
    lines = again.output.splitlines()
    assert len(lines) <= 4, again.output
    assert all(len(line) < 120 for line in lines), again.output
    assert "sphinx_build.py" not in again.output
    book.edit("capitulo.md", "cambiado", "cambiado otra vez")
    verbose = book.make("html", "V=1")
    assert verbose.returncode == 0, verbose.output
    assert "tools/sphinx_build.py" in verbose.output and "check_artifacts.py" in verbose.output
