"""Publish a built folder in place of the published one, in one atomic step.

    python tools/publish_dir.py _build/es/html dist/html/es [--keep NAME ...]

The new folder is copied next to the published one (``<dest>.new``), then
the two are exchanged with one ``renameat2(RENAME_EXCHANGE)`` call: a
reader, or a build killed at any moment, finds either the whole old site or
the whole new one at ``dest``, never none (two renames would leave a moment
with no site at all).  The old copy is removed afterwards.  Where the file
system cannot exchange (``EINVAL``), it falls back to two renames and says
so.  Leftovers of an interrupted run (``.new``, ``.old``) are cleared first.

``--keep NAME`` carries a file that a later step adds to the site (the
edition's PDF and EPUB, copied in by the Makefile once they are built) over
from the published site into the new one, so that the site never lacks it
between the two steps: it holds the previous file until the new one comes.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(None, use_errno=True)


def exchange(a: Path, b: Path) -> None:
    """Swap the names ``a`` and ``b`` atomically (Linux renameat2)."""
    if _libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE):
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(a), None, str(b))


def publish(src: Path, dest: Path, keep: tuple[str, ...] = ()) -> None:
    new, old = dest.with_name(dest.name + ".new"), dest.with_name(dest.name + ".old")
    if not dest.exists() and old.exists():
        old.rename(dest)  # a run killed between the fallback's two renames
    for leftover in (new, old):
        shutil.rmtree(leftover, ignore_errors=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, new, symlinks=True)
    for name in keep:
        if (dest / name).is_file() and not (new / name).exists():
            shutil.copy2(dest / name, new / name)
    if not dest.exists():
        new.rename(dest)
        return
    try:
        exchange(new, dest)
    except OSError as err:
        if err.errno not in (errno.EINVAL, errno.ENOSYS):
            raise
        print(f"warning: {dest.parent} cannot exchange folders atomically; renaming twice",
              file=sys.stderr)
        dest.rename(old)
        new.rename(dest)
        new = old
    shutil.rmtree(new)


def main(argv: list[str]) -> int:
    keep = tuple(argv[i + 1] for i, a in enumerate(argv) if a == "--keep")
    paths = [a for i, a in enumerate(argv) if a != "--keep" and (i == 0 or argv[i - 1] != "--keep")]
    if len(paths) != 2 or len(keep) != argv.count("--keep"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    publish(Path(paths[0]), Path(paths[1]), keep)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
