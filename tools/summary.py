"""The last lines of `make`: each artifact, its size, and where to open it.

    python tools/summary.py dist es en
"""

from __future__ import annotations

import sys
from pathlib import Path

KINDS = [("mlops-handbook-{}.pdf", "PDF, A4"),
         ("mlops-handbook-{}.epub", "EPUB 3"),
         ("mlops-handbook-{}-html.zip", "HTML site as a zip, works from disk"),
         ("mlops-handbook-{}-objects.inv", "intersphinx inventory")]


def size(path: Path) -> str:
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    n = sum(p.stat().st_size for p in files)
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def main(argv: list[str]) -> int:
    dist, langs = Path(argv[1]), argv[2:]
    rows = []
    for lang in langs:
        site = dist / "html" / lang
        rows.append((str(site) + "/", size(site), f"HTML site ({lang})"))
        for pattern, what in KINDS:
            path = dist / pattern.format(lang)
            rows.append((str(path), size(path), what))
    width = max(len(r[0]) for r in rows)
    print(f"Built {len(rows)} artifacts (checksums in {dist}/SHA256SUMS):")
    for path, n, what in rows:
        print(f"  {path:<{width}}  {n:>8}  {what}")
    print(f"Open {dist}/html/index.html in a browser, or the PDF and EPUB above.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
