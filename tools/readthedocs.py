"""The Read the Docs build of one edition (run by ``make readthedocs``).

    python tools/readthedocs.py settings
    python tools/readthedocs.py layout DIST LANG OUTPUT

``settings`` reads the variables that Read the Docs sets and prints the make
variables of the edition to build, ``LANG=<lang>
HANDBOOK_BASE_URL=<url>``: the language is ``READTHEDOCS_LANGUAGE`` (an
edition of ``locales/editions.toml``), the base URL is
``READTHEDOCS_CANONICAL_URL`` with its language folder made a ``{lang}``
template (``https://host/es/1.0.0/`` -> ``https://host/{lang}/1.0.0/``), so
that citations carry the address the host serves and the language switcher
reaches the other edition's project at the same version.  A build of a git
tag must be the version in ``pyproject.toml``.

``layout`` copies the edition's published artifacts from ``DIST`` into the
folders that Read the Docs hosts: ``OUTPUT/html/`` (the site), and exactly
one file in each of ``OUTPUT/pdf/``, ``OUTPUT/epub/`` and
``OUTPUT/htmlzip/``.  Each folder is written aside and renamed into place.
"""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

import edition_data  # noqa: E402

REQUIRED = ("READTHEDOCS_LANGUAGE", "READTHEDOCS_CANONICAL_URL")
# Files of the site that are build bookkeeping, not pages (see release.py).
SKIP = {".buildinfo", ".buildinfo.bak", ".downloads"}


class SettingsError(Exception):
    pass


def base_url_template(canonical: str, lang: str) -> str:
    """``https://host/<lang>/<version>/`` -> ``https://host/{lang}/<version>/``."""
    parts = urlsplit(canonical)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"READTHEDOCS_CANONICAL_URL={canonical!r} is not an http(s) URL")
    segments = parts.path.split("/")
    if lang not in segments:
        raise SettingsError(
            f"READTHEDOCS_CANONICAL_URL={canonical!r} has no /{lang}/ folder: each edition "
            "must be served at /<language>/<version>/ (a Read the Docs project with "
            "translations, not a single-version project)")
    segments[segments.index(lang)] = "{lang}"
    path = "/".join(segments).rstrip("/") + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def settings(env: dict[str, str], editions: dict, release: str) -> dict[str, str]:
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise SettingsError(f"{', '.join(missing)} not set: Read the Docs sets them; "
                            "to run its build elsewhere, set them as it does")
    lang = env["READTHEDOCS_LANGUAGE"]
    if lang not in editions:
        raise SettingsError(
            f"READTHEDOCS_LANGUAGE={lang!r} is not an edition of locales/editions.toml "
            f"({', '.join(editions)}): set the project's language on Read the Docs to one")
    if env.get("READTHEDOCS_VERSION_TYPE") == "tag":
        tag = env.get("READTHEDOCS_VERSION_NAME") or env.get("READTHEDOCS_VERSION", "")
        if tag != release:
            raise SettingsError(
                f"git tag {tag!r} builds version {release!r} of pyproject.toml: tag each "
                "release with its version")
    return {"LANG": lang,
            "HANDBOOK_BASE_URL": base_url_template(env["READTHEDOCS_CANONICAL_URL"], lang)}


def _replace_dir(new: Path, final: Path) -> None:
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def layout(dist: Path, lang: str, output: Path) -> list[Path]:
    """Copy the artifacts of edition ``lang`` into ``output``; the paths written."""
    site = dist / "html" / lang
    files = {
        "pdf": dist / f"mlops-handbook-{lang}.pdf",
        "epub": dist / f"mlops-handbook-{lang}.epub",
        "htmlzip": dist / f"mlops-handbook-{lang}-html.zip",
    }
    for path in [site / "index.html", *files.values()]:
        if not path.is_file():
            raise SettingsError(f"{path}: missing; build it first (make readthedocs)")
    output.mkdir(parents=True, exist_ok=True)
    new = output / "html.new"
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(site, new, ignore=lambda folder, names: [n for n in names if n in SKIP])
    _replace_dir(new, output / "html")
    written = [output / "html"]
    for fmt, path in files.items():
        new = output / f"{fmt}.new"
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir()
        shutil.copy2(path, new / path.name)
        _replace_dir(new, output / fmt)
        written.append(output / fmt / path.name)
    return written


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["settings"] and len(argv) == 1:
            release = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
            values = settings(dict(os.environ), edition_data.load(),
                              release["project"]["version"])
            print(" ".join(f"{name}={value}" for name, value in values.items()))
            return 0
        if argv[:1] == ["layout"] and len(argv) == 4:
            for path in layout(Path(argv[1]), argv[2], Path(argv[3])):
                print(f"[readthedocs] {argv[2]} -> {path}")
            return 0
    except SettingsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
