"""Check every input of a build and sign it, whatever the files are called.

    python tools/inputs.py --lang es --source book --conf . --locales locales \
        _build/inputs/es.sig

The Makefile cannot list the inputs itself: it splits file names on spaces,
so one file called ``Captura de pantalla.png`` would make the build rule
unmatchable and leave the old book in place.  This tool walks the inputs
instead (the sources, the configuration, the local extensions, static
files, templates, and the catalogs of one language) and writes their names,
sizes and modification times to the signature file, rewriting it only when
something changed: the build stamps depend on that one file.

On the way it refuses, before Sphinx starts, what Sphinx would crash on or
publish badly, naming the file:

- a text file that is not UTF-8 (``file:line:column: not UTF-8 (byte 0xe1)``);
  a byte-order mark and CRLF line ends are fine;
- a file under the source folder whose name cannot be a stable URL (chapter
  files are the book's URLs), with the name to use instead.

The signature is not written when a check fails, so the build stops.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Text the build reads; every other file is signed but not decoded.
TEXT_SUFFIXES = {".md", ".bib", ".mmd", ".po", ".pot", ".json", ".py", ".txt", ".tsv",
                 ".css", ".html", ".sty", ".tex", ".js", ".mjs", ".svg", ".toml", ".yaml",
                 ".yml", ".cff", ".rst", ".lock"}
SKIP_DIRS = {"__pycache__", ".git"}
SKIP_SUFFIXES = {".mo", ".pyc"}  # compiled by the build itself
CHAPTER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ASSET = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def slug(name: str, lower: bool) -> str:
    """``Capítulo Nuevo`` -> ``capitulo-nuevo``: the nearest acceptable name."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    allowed = "a-z0-9" if lower else "A-Za-z0-9._"
    text = ascii_.lower() if lower else ascii_
    return re.sub(rf"[^{allowed}]+", "-", text).strip("-._") or "file"


def name_problem(rel: Path) -> str | None:
    """Why a path under the source folder cannot be published, or None."""
    parts = rel.parts
    if any(p.startswith(".") for p in parts):
        return None  # hidden files (editor, OS) are never part of the book
    *folders, name = parts
    chapter = name.endswith(".md")
    stem = name[:-3] if chapter else name
    rule = CHAPTER if chapter else ASSET
    bad = [p for p in folders if not rule.fullmatch(p)]
    if chapter and (bad or not CHAPTER.fullmatch(stem)):
        fixed = "/".join([slug(p, True) for p in folders] + [slug(stem, True) + ".md"])
        return ("chapter file names are URLs: use lowercase ASCII letters, digits and "
                f"hyphens ({fixed})")
    if not chapter and (bad or not ASSET.fullmatch(name)):
        fixed = "/".join([slug(p, False) for p in folders] + [slug(name, False)])
        return ("file names under the book become URLs in every format: use ASCII "
                f"letters, digits, hyphens, dots and underscores ({fixed})")
    return None


def utf8_problem(data: bytes) -> str | None:
    """``line:column: not UTF-8 (byte 0x..)`` for the first bad byte, or None."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as err:
        start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        column = len(data[start:err.start].decode("utf-8", "replace")) + 1
        return (f"{line}:{column}: not UTF-8 (byte 0x{data[err.start]:02x}); convert it "
                "with iconv -f latin1 -t utf-8")


def walk(top: Path):
    if top.is_file():
        yield top
        return
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if Path(name).suffix not in SKIP_SUFFIXES:
                yield Path(folder) / name


def inputs(args) -> list[Path]:
    tops = [args.conf / "conf.py", ROOT / "requirements.lock", ROOT / "package-lock.json",
            args.source, ROOT / "_ext", ROOT / "_static", ROOT / "_templates",
            args.locales / "editions.toml", args.locales / args.lang]
    seen, files = set(), []
    for top in tops:
        if not top.exists():
            continue
        for path in walk(top):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def problems(args, files: list[Path]) -> list[str]:
    found = []
    source, locales = args.source.resolve(), args.locales.resolve()
    for path in files:
        try:
            rel = path.resolve().relative_to(source)
        except ValueError:
            rel = None
        if rel is not None and path.resolve().is_relative_to(locales):
            rel = None  # catalogs are not published under their names
        if rel is not None:
            why = name_problem(rel)
            if why:
                found.append(f"{shown(path)}: {why}")
                continue
        if path.suffix.lower() in TEXT_SUFFIXES:
            why = utf8_problem(path.read_bytes())
            if why:
                found.append(f"{shown(path)}:{why}")
    return found


def signature(files: list[Path]) -> str:
    lines = []
    for path in files:
        st = path.stat()
        lines.append(f"{st.st_size}\t{st.st_mtime_ns}\t{path}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", required=True)
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--conf", type=Path, required=True)
    parser.add_argument("--locales", type=Path, required=True)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    files = inputs(args)
    found = problems(args, files)
    if found:
        for line in found:
            print(line, file=sys.stderr)
        print(f"error: {len(found)} input file(s) refused; nothing was built", file=sys.stderr)
        return 1
    text = signature(files)
    old = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if text != old:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.output.with_name(args.output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
