"""Every internal link of a built HTML site or EPUB lands somewhere real.

    python tools/check_links.py dist/html/es dist/mlops-handbook-es.epub

For each page (``.html`` in a folder, ``.xhtml`` inside an EPUB), every
``<a href>`` without a scheme or host must name a file that exists and, when
it has a ``#fragment``, an element with that id in that file.  Problems are
printed as ``page:line: broken link 'href' (why)``; exit status 1 if any.
Pages are parsed with lxml (HTML parser for sites, XML for EPUB).
"""

from __future__ import annotations

import posixpath
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree, html

import gate

XHTML_A = "{http://www.w3.org/1999/xhtml}a"


def _pages_from_dir(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*.html")) if "_static" not in p.parts}


def _pages_from_epub(path: Path) -> tuple[dict[str, bytes], set[str]]:
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        return {n: z.read(n) for n in sorted(names) if n.endswith((".xhtml", ".html"))}, names


def check(pages: dict[str, bytes], files: set[str], is_xml: bool, label: str) -> list[str]:
    trees, ids = {}, {}
    for name, data in pages.items():
        tree = (etree.fromstring(data, etree.XMLParser(resolve_entities=False))
                if is_xml else html.fromstring(data))
        trees[name] = tree
        ids[name] = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    problems = []
    for name, tree in trees.items():
        for a in tree.iter(XHTML_A if is_xml else "a"):
            href = a.get("href")
            if not href:
                continue
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = (posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
                      if parts.path else name)
            where = f"{label}/{name}:{a.sourceline}"
            if target not in files:
                problems.append(f"{where}: broken link {href!r} (no file {target})")
            elif parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
                problems.append(f"{where}: broken link {href!r} (no id {parts.fragment!r} in {target})")
    return problems


def check_path(path: Path) -> list[str]:
    if path.is_dir():
        pages = _pages_from_dir(path)
        files = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
        return check(pages, files, is_xml=False, label=str(path))
    pages, files = _pages_from_epub(path)
    return check(pages, files, is_xml=True, label=str(path))


def main(argv: list[str]) -> int:
    problems = [p for arg in argv[1:] for p in check_path(Path(arg))]
    return gate.report(problems, "broken internal link(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
