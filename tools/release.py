"""Release helpers: a reproducible zip of an HTML edition.

Usage: python tools/release.py zip SITE_DIR PREFIX OUT.zip

Members are stored under ``PREFIX/`` in sorted order, with the timestamp of
SOURCE_DATE_EPOCH and fixed permissions, so the same site gives the same
bytes.  The zip is written under a temporary name and renamed.
"""

from __future__ import annotations

import os
import sys
import time
import zipfile
from pathlib import Path

SKIP = {".buildinfo", ".downloads"}


def make_zip(site: Path, prefix: str, out: Path) -> None:
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)  # >= 1980
    stamp = time.gmtime(epoch)[:6]
    tmp = out.with_name(out.name + ".tmp")
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.name not in SKIP)
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(site).as_posix()}", stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    os.replace(tmp, out)


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "zip":
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    make_zip(Path(argv[1]), argv[2], Path(argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
