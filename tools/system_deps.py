"""Install the Debian packages that the build and the tests need, and no others.

    python3 tools/system_deps.py            # install what is missing (apt-get)
    python3 tools/system_deps.py --dry-run  # print what would be installed
    python3 tools/system_deps.py --python   # check the Python that makes .venv

Each probe is a command on PATH, a file, or a module of the Python that
makes the virtual environment, and names the Debian package that provides
it.  apt is asked only for the packages whose probe fails, so a machine that
already has Node.js, Java or TeX from elsewhere is left alone: Node.js from
NodeSource bundles npm and conflicts with Debian's ``npm`` package, which
apt would otherwise refuse with "nodejs : Conflicts: npm".

Runs on the system's Python before the virtual environment exists, with the
standard library only, and stays readable by an older Python so that it can
say why that Python is refused.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXMF = "/usr/share/texlive/texmf-dist/tex"

# (Debian package, kind, probe).  Every command, font, dictionary and LaTeX
# package that `make` and `make test` use; the fonts are the ones that
# _ext/book_fonts.py declares for the book and the fixture books alike.
PROBES = [
    ("make", "command", "make"),
    ("git", "command", "git"),
    ("ca-certificates", "file", "/etc/ssl/certs/ca-certificates.crt"),
    # `python3 -m venv` needs ensurepip, which Debian ships apart.
    ("python3-venv", "module", "ensurepip"),
    # (texlive-xetex also has ucharclasses, which picks the fallback fonts.)
    ("texlive-xetex", "command", "xelatex"),
    ("texlive-latex-recommended", "file", f"{TEXMF}/latex/fancyvrb/fancyvrb.sty"),
    ("texlive-latex-extra", "file", f"{TEXMF}/latex/needspace/needspace.sty"),
    ("texlive-fonts-recommended", "file", f"{TEXMF}/latex/psnfss/t1ptm.fd"),
    ("texlive-lang-spanish", "file", f"{TEXMF}/generic/hyph-utf8/patterns/tex/hyph-es.tex"),
    ("texlive-lang-english", "file", f"{TEXMF}/generic/hyph-utf8/patterns/tex/hyph-en-gb.tex"),
    ("latexmk", "command", "latexmk"),
    ("xindy", "command", "xindy"),
    ("fonts-texgyre", "file",
     "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyrepagella-regular.otf"),
    ("fonts-dejavu-core", "file", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
    # The oblique shapes of DejaVu Sans Mono (italic comments in code).
    ("fonts-dejavu-extra", "file",
     "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Oblique.ttf"),
    # The fallback fonts of the printed book (book_fonts): Greek and Cyrillic,
    # Chinese/Japanese/Korean, emoji and pictographs.
    ("fonts-noto-core", "file", "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    ("fonts-noto-cjk", "file", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    ("fonts-symbola", "file", "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
    # SVG images to PDF for LaTeX (construct_layout, sphinxcontrib-svg2pdfconverter).
    ("librsvg2-bin", "command", "rsvg-convert"),
    ("poppler-utils", "command", "pdftoppm"),
    # fc-list: the tests find each font of the books with it.
    ("fontconfig", "command", "fc-list"),
    ("default-jre-headless", "command", "java"),
    # The browser the diagrams render in; CHROMIUM=/path names another build.
    ("chromium", "command", os.environ.get("CHROMIUM") or "chromium"),
    # The same Chromium built for automation, which the EPUB and HTML
    # accessibility checkers drive (it starts faster, and does less per page);
    # CHROMIUM=/path replaces it too.
    ("chromium-headless-shell", "command", os.environ.get("CHROMIUM") or "chromium-headless-shell"),
    ("nodejs", "command", "node"),
    ("npm", "command", "npm"),
    ("gettext", "command", "msgfmt"),
    ("hunspell", "command", "hunspell"),
    ("hunspell-es", "file", "/usr/share/hunspell/es_ES.dic"),
    ("hunspell-en-us", "file", "/usr/share/hunspell/en_US.dic"),
    # actionlint checks the shell of the CI workflow's steps with it.
    ("shellcheck", "command", "shellcheck"),
]


def requires_python(pyproject: Path = ROOT / "pyproject.toml") -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The (lowest, first refused) versions of pyproject's requires-python."""
    text = pyproject.read_text(encoding="utf-8")
    spec = re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.M).group(1)
    low = re.search(r">=\s*([\d.]+)", spec).group(1)
    high = re.search(r"<\s*([\d.]+)", spec).group(1)
    as_tuple = lambda v: tuple(int(p) for p in v.split("."))  # noqa: E731
    return as_tuple(low), as_tuple(high)


def missing_packages(have_command, have_file, have_module, probes=PROBES) -> list[tuple[str, str]]:
    """(package, probe) for each probe that fails, in the order of ``probes``."""
    check = {"command": have_command, "file": have_file, "module": have_module}
    missing = []
    for package, kind, probe in probes:
        if not check[kind](probe) and package not in (p for p, _ in missing):
            missing.append((package, probe))
    return missing


def module_probe(python: str):
    def have_module(name: str) -> bool:
        return subprocess.run([python, "-c", f"import {name}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    return have_module


def missing_here(python: str) -> list[tuple[str, str]]:
    """``missing_packages`` on this machine, modules probed with ``python``."""
    return missing_packages(lambda c: shutil.which(c) is not None, os.path.exists,
                            module_probe(python))


def apt_command(packages: list[str]) -> str:
    return ("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
            "--no-install-recommends " + " ".join(packages))


def check_python(python: str) -> int:
    """Say which Python makes the virtual environment; refuse one out of range."""
    out = subprocess.run([python, "-c", "import sys; print(sys.executable); "
                          "print('.'.join(map(str, sys.version_info[:3])))"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(f"error: no Python at PYTHON={python}: install Debian's python3 "
              "(or run make PYTHON=/path/to/python3.11)", file=sys.stderr)
        return 1
    path, version = out.stdout.split()
    found = tuple(int(p) for p in version.split("."))
    low, high = requires_python()
    dotted = lambda v: ".".join(map(str, v))  # noqa: E731
    if not low <= found < high:
        print(f"error: {path} is Python {version}; the locked packages "
              f"(requirements.lock) need Python >= {dotted(low)} and < {dotted(high)} "
              "(pyproject.toml requires-python). Run make PYTHON=/path/to/python3.X "
              "with a Python in that range.", file=sys.stderr)
        return 1
    print(f"[setup] Python {version} ({path}) -> .venv/")
    return 0


def main(argv: list[str]) -> int:
    python = os.environ.get("PYTHON", "python3")
    if "--python" in argv:
        return check_python(python)
    missing = missing_here(python)
    if not missing:
        return 0
    packages = [p for p, _ in missing]
    if os.environ.get("V") == "1":
        print("[setup] missing: " + ", ".join(f"{probe} ({p})" for p, probe in missing),
              flush=True)
    cmd = apt_command(packages)
    if "--dry-run" in argv:
        print(cmd)
        return 0
    if os.geteuid() == 0:
        runner = ["bash", "-c", cmd]
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"],
                                                 capture_output=True).returncode == 0:
        runner = ["sudo", "bash", "-c", cmd]
    else:
        print("error: cannot install system packages: run this as root, then 'make' "
              f"again:\n  sudo bash -c '{cmd}'", file=sys.stderr)
        return 1
    listing = textwrap.fill(" ".join(packages), 96, initial_indent="        ",
                            subsequent_indent="        ", break_on_hyphens=False)
    print(f"[setup] apt-get install ({len(packages)} Debian packages; several minutes on a "
          f"new machine):\n{listing}", flush=True)
    proc = subprocess.run(runner, stdout=subprocess.DEVNULL if not os.environ.get("V") == "1" else None)
    if proc.returncode != 0:
        print(f"error: apt-get failed (exit {proc.returncode}); the command was:\n  {cmd}",
              file=sys.stderr)
        return proc.returncode
    still = missing_here(python)
    if still:
        print("error: installed, yet still missing: "
              + ", ".join(f"{probe} ({p})" for p, probe in still), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
