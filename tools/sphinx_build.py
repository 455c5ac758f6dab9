"""sphinx-build for the Makefile: a crash ends in one line that names the input.

    python tools/sphinx_build.py --error-log FILE <sphinx-build arguments>

Warnings and errors of the book already name their file and line.  An
exception (an extension that raises, a malformed input that a parser trips
on) would instead print Sphinx's bug report: a traceback, the versions of
everything, and a request to report it to Sphinx's developers.  This runner
prints one line instead,

    book/ventajas.md:12: error: ValueError: boom (traceback: _build/es/html.traceback.log)

and writes the traceback to the file given with ``--error-log``.  The file
is the document Sphinx was reading or writing when it failed (from the
events it had emitted, in the parallel worker as in the main process); the
line is that of the innermost docutils node on the failing call stack.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import sphinx._cli.util.errors as sphinx_errors
import sphinx.cmd.build
import sphinx.events
import sphinx.util.parallel as parallel
from sphinx.errors import ExtensionError, SphinxError, SphinxParallelError

# The document of the last event that named one, in this process.
CURRENT: dict[str, str | None] = {"source": None}
SEPARATOR = "\x00"


def _track(emit):
    def tracking_emit(self, name, *args, **kwargs):
        doc = None
        if name == "source-read":
            doc = args[0]
        elif name == "doctree-resolved":
            doc = args[1]
        elif name in ("html-page-context",):
            doc = args[0]
        elif name == "doctree-read":
            doc = args[0].get("source")
        if doc is not None:
            env = getattr(self._app, "env", None)
            try:
                CURRENT["source"] = (doc if str(doc).startswith("/")
                                     else str(env.doc2path(doc)))
            except Exception:
                CURRENT["source"] = str(doc)
        return emit(self, name, *args, **kwargs)
    return tracking_emit


def _shown(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def locate(exc: BaseException) -> str:
    """``file:line`` (or ``file``, or ``conf.py``) for where ``exc`` happened."""
    # An error that names its own file (a .bib that pybtex cannot parse while
    # conf.py loads sphinxcontrib-bibtex, a Python SyntaxError) is that file's.
    orig = getattr(exc, "orig_exc", None) or exc
    filename = getattr(orig, "filename", None)
    if isinstance(filename, (str, os.PathLike)) and str(filename):
        lineno = getattr(orig, "lineno", None)
        return f"{_shown(str(filename))}:{lineno}" if lineno else _shown(str(filename))
    line = source = None
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        node = frame.f_locals.get("node")
        if node is not None and getattr(node, "line", None) and getattr(node, "source", None):
            source, line = node.source, node.line
            break
    source = source or CURRENT["source"]
    if source is None:
        return "conf.py"
    return f"{_shown(source)}:{line}" if line else _shown(source)


def describe(exc: BaseException) -> str:
    """``ValueError: boom (in extension x)`` rather than Sphinx's wrapper."""
    orig = getattr(exc, "orig_exc", None)
    if isinstance(exc, ExtensionError) and orig is not None:
        return f"{type(orig).__name__}: {orig} (in extension {exc.modname or '?'})"
    if isinstance(exc, SphinxError):
        return f"{exc.category}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _process(self, pipe, func, arg) -> None:
    """Sphinx's worker, with the failing document added to the error."""
    try:
        collector = parallel.logging.LogCollector()
        with collector.collect():
            ret = func() if arg is None else func(arg)
        failed = False
    except BaseException as err:  # noqa: BLE001 - reported to the main process
        failed = True
        ret = (locate(err) + SEPARATOR + describe(err), traceback.format_exc())
    parallel.logging.convert_serializable(collector.logs)
    pipe.send((failed, collector.logs, ret))


def report(error_log: Path):
    def handle_exception(exception, /, *, stderr=sys.stderr, message_log=(), extensions=(),
                         **_ignored) -> None:
        if isinstance(exception, KeyboardInterrupt):
            print("interrupted", file=stderr)
            return
        if isinstance(exception, SphinxParallelError) and SEPARATOR in exception.message:
            where, what = exception.message.split(SEPARATOR, 1)
        else:
            where = locate(exception)
            what = describe(exception)
        error_log.parent.mkdir(parents=True, exist_ok=True)
        error_log.write_text(sphinx_errors.full_exception_context(
            exception, message_log=message_log, extensions=extensions), encoding="utf-8")
        first = what.splitlines()[0] if what else type(exception).__name__
        print(f"{where}: error: {first} (traceback: {_shown(str(error_log))})", file=stderr)
    return handle_exception


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "--error-log":
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    error_log, argv = Path(argv[1]), argv[2:]
    sphinx.events.EventManager.emit = _track(sphinx.events.EventManager.emit)
    parallel.ParallelTasks._process = _process
    sphinx_errors.handle_exception = report(error_log)
    status = sphinx.cmd.build.build_main(argv)
    if status == 0:
        error_log.unlink(missing_ok=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
