"""Render Mermaid diagrams once, in one browser page, through a content-addressed cache.

The stock sphinxcontrib-mermaid starts one Chromium per diagram and renders
again for every builder, format and language.  Here every diagram that a
build needs is rendered to SVG by one Node process (``mermaid_batch.mjs``)
that loads Mermaid once in one Chromium page and calls ``mermaid.render``
for each diagram.  The PDF (for LaTeX) and the PNG (for EPUB) are derived
from that SVG without a browser, by ``rsvg-convert`` (librsvg): vector
output with its fonts embedded in the PDF, the same bytes for the same SVG.

Each file lands in a cache folder under a name derived from everything
that decides its bytes: the diagram source, the Mermaid configuration, the
format, and the versions of Mermaid and Chromium (and, for a derived file,
of librsvg and the PNG scale).  Every builder and language shares the
cache, so a diagram is rendered once, whatever the number of builders that
need it, and never again until one of those inputs changes.  Builds that
run side by side (``make -j``) take turns to render, so none renders what
the other has just rendered.

This module knows nothing about Sphinx; ``diagrams.py`` is the extension,
and ``tools/bench.py`` drives it directly.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_SCRIPT = Path(__file__).with_name("mermaid_batch.mjs")
MERMAID = ROOT / "node_modules" / "mermaid" / "package.json"
RSVG = "rsvg-convert"

#: The SVG, PDF and PNG of a diagram, for the HTML, LaTeX and EPUB builders.
FORMATS = ("svg", "pdf", "png")
BACKGROUND = "white"


class RenderError(Exception):
    """A diagram or the renderer failed; the message says what to do.

    ``problems`` lists ``(source, line, message)`` for each failing diagram;
    it is empty when the renderer itself could not run.
    """

    def __init__(self, message: str, problems: list[tuple[str, int, str]] = ()):
        super().__init__(message)
        self.problems = list(problems)


@dataclasses.dataclass(frozen=True)
class Diagram:
    code: str
    source: str  # file that holds the code (a .mmd file or a chapter)
    line: int  # line of the code's first line in ``source``


@dataclasses.dataclass
class Settings:
    cache_dir: Path
    chromium: str = "/usr/bin/chromium-headless-shell"
    mermaid_config: dict = dataclasses.field(default_factory=dict)
    png_scale: int = 3
    # Progress of a render (worth seeing even in a quiet build), and the
    # one-line summary when everything was cached.
    log: callable = lambda line: print(line, file=sys.stderr, flush=True)
    info: callable = lambda line: None


def _package_version(path: Path) -> str:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise RenderError(
            f"Mermaid not installed ({path.relative_to(ROOT)} missing): "
            "run 'make setup' (npm ci) first"
        ) from None


@functools.cache
def _version(name: str, program: str, package: str) -> str:
    """``program --version``, asked once per process."""
    if not shutil.which(program):
        raise RenderError(
            f"{name} not found at {program}: install the Debian package '{package}' "
            "('make system-deps' does it)"
        )
    try:
        out = subprocess.run([program, "--version"], capture_output=True,
                             text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError) as err:
        raise RenderError(
            f"{name} at {program} does not run ({err}): reinstall the Debian "
            f"package '{package}'"
        ) from None
    return out.strip()


def renderer_identity(settings: Settings) -> dict:
    """Everything besides the source that decides a rendered SVG's bytes."""
    return {
        "mermaid": _package_version(MERMAID),
        "chromium": _version("Chromium", settings.chromium, "chromium-headless-shell"),
        "config": settings.mermaid_config,
    }


def converter_identity(fmt: str, settings: Settings) -> dict:
    """What besides the SVG decides the bytes of a PDF or PNG made from it."""
    identity = {"rsvg-convert": _version("rsvg-convert", RSVG, "librsvg2-bin")}
    if fmt == "png":
        identity["png_scale"] = settings.png_scale
    return identity


def cache_path(diagram: Diagram, fmt: str, identity: dict, settings: Settings) -> Path:
    key = json.dumps({"code": diagram.code, "format": fmt, **identity},
                     sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return settings.cache_dir / f"mermaid-{digest}.{fmt}"


def render(jobs: list[tuple[Diagram, str]], settings: Settings, *, label: str = "",
           also: list[Diagram] = ()) -> dict:
    """Make sure every (diagram, format) in ``jobs`` is in the cache.

    Returns ``{(diagram, fmt): path}``.  Missing SVGs are rendered in one
    browser page, missing PDFs and PNGs derived from them; progress goes to
    ``settings.log``.  Raises RenderError naming each failing diagram's file
    and line with Mermaid's own message.

    ``also``: diagrams whose SVG another build will want (another edition's
    translations).  When the browser starts anyway, the missing ones are
    rendered in the same page; they never start it on their own.
    """
    identity = renderer_identity(settings)
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    prefix = f"diagrams{f' [{label}]' if label else ''}"
    paths, svgs = {}, {}
    for diagram, fmt in jobs:
        svg = cache_path(diagram, "svg", identity, settings)
        svgs[diagram] = svg
        paths[(diagram, fmt)] = svg if fmt == "svg" else cache_path(
            diagram, fmt, {**identity, **converter_identity(fmt, settings)}, settings)
    missing = {key: path for key, path in paths.items() if not path.exists()}
    if not missing:
        settings.info(f"{prefix}: {len(paths)} of {len(paths)} cached, 0 rendered")
        return paths

    wanted = {d: svgs[d] for d, _ in missing}
    if any(not svg.exists() for svg in wanted.values()):
        # One build renders at a time: a build that waited finds cached
        # what the other one rendered.
        with open(settings.cache_dir / "render.lock", "w") as lock:
            _lock_unless_rendered(lock, wanted.values())
            todo = {d: svg for d, svg in wanted.items() if not svg.exists()}
            others = {}
            if todo:
                for diagram in also:
                    svg = cache_path(diagram, "svg", identity, settings)
                    if not svg.exists() and svg not in {*todo.values(), *others.values()}:
                        others[diagram] = svg
            _render_svgs(todo, settings, prefix, others)
    derived = {key: path for key, path in missing.items() if key[1] != "svg"}
    if derived:
        start = time.monotonic()
        _derive_all(derived, svgs, settings.png_scale)
        kinds = " and ".join(sorted({f.upper() + "s" for _, f in derived}))
        settings.log(f"{prefix}: {len(derived)} {kinds} from the SVGs (rsvg-convert, "
                     f"{time.monotonic() - start:.1f} s)")
    return paths


def _lock_unless_rendered(lock, svgs) -> None:
    """Take the render lock, or stop waiting for it as soon as the build
    that holds it has rendered every one of ``svgs``: it renders this
    build's diagrams before those of other editions."""
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if all(svg.exists() for svg in svgs):
                return
            time.sleep(0.05)


def _render_svgs(todo: dict[Diagram, Path], settings: Settings, prefix: str,
                 others: dict[Diagram, Path] | None = None) -> None:
    """Render each diagram of ``todo`` and ``others`` to its SVG path, in one
    page.  ``others`` are for other builds: one that fails is left to the
    build that needs it, which renders and reports it."""
    if not todo:
        return
    others = others or {}
    count = len(todo) + len(others)
    settings.log(f"{prefix}: rendering {count} SVG{'s' * (count > 1)} in one Chromium page"
                 + (f" ({len(others)} for other editions)" if others else ""))
    todo = {**todo, **others}
    by_key = {path.name: (diagram, path) for diagram, path in todo.items()}
    request = {
        "chromium": settings.chromium,
        # Chromium refuses to sandbox as root; Read the Docs builds in a
        # container without the user namespaces its sandbox needs.
        "noSandbox": os.geteuid() == 0 or os.environ.get("READTHEDOCS") == "True",
        "mermaidConfig": settings.mermaid_config,
        "backgroundColor": BACKGROUND,
        "jobs": [{"key": key, "code": diagram.code, "out": str(_raw(path))}
                 for key, (diagram, path) in by_key.items()],
    }
    errors = []
    start = time.monotonic()
    # The request goes through a file: hundreds of diagrams overflow a pipe
    # that Node reads synchronously.
    request_file = settings.cache_dir / f"request.{os.getpid()}.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")
    try:
        proc = subprocess.Popen(["node", str(NODE_SCRIPT), str(request_file)], cwd=ROOT,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    except FileNotFoundError:
        request_file.unlink()
        raise RenderError("node not found: install Node.js 20 or newer") from None
    for done, line in enumerate(proc.stdout, start=1):
        result = json.loads(line)
        if "fatal" in result:
            raise RenderError(
                f"Chromium at {settings.chromium} failed to start: "
                f"{result['fatal'].splitlines()[0]}\n"
                "Install or repair the Debian package 'chromium-headless-shell' "
                "('make system-deps')."
            )
        diagram, path = by_key[result["key"]]
        where = f"{diagram.source}:{diagram.line}"
        if not result["ok"] and diagram in others:
            continue
        if result["ok"]:
            _publish(path, _clean_svg(_raw(path).read_bytes()))
            _raw(path).unlink()
            if os.environ.get("V") == "1":  # one line a diagram in `make V=1`
                settings.log(f"{prefix}: [{done}/{len(todo)}] rendered {where}")
            _record(settings.cache_dir, path, where)
        else:
            errors.append(_syntax_error(diagram, result["error"]))
    stderr = proc.stderr.read()
    proc.wait()
    request_file.unlink(missing_ok=True)
    if errors:
        raise RenderError("\n".join(f"{s}:{n}: {m}" for s, n, m in errors), errors)
    if proc.returncode != 0:
        raise RenderError(f"Mermaid renderer failed (exit {proc.returncode}):\n{stderr}")
    settings.log(f"{prefix}: rendered {len(todo)} in {time.monotonic() - start:.1f} s")


def _raw(path: Path) -> Path:
    return path.with_name(f"{path.name}.{os.getpid()}.raw")


def _record(cache_dir: Path, path: Path, where: str) -> None:
    """One line per render, so tests can count renders instead of timing them."""
    with open(cache_dir / "renders.log", "a", encoding="utf-8") as log:
        log.write(f"{path.name} {where}\n")


def _syntax_error(diagram: Diagram, message: str) -> tuple[str, int, str]:
    """``(file, line, message)`` with the line inside the source file."""
    lines = message.splitlines()
    # Drop the stack frames that point into the browser bundle.
    lines = [ln for ln in lines if not ln.lstrip().startswith("at ")] or lines
    line = diagram.line
    if match := re.search(r"on line (\d+)", lines[0]):
        # Mermaid counts past the end for an unclosed bracket.
        last = diagram.code.rstrip("\n").count("\n") + 1
        line = diagram.line + min(int(match.group(1)), last) - 1
    body = "\n    ".join(lines)
    return diagram.source, line, f"Mermaid syntax error: {body}"


def _derive_all(derived: dict[tuple[Diagram, str], Path], svgs: dict[Diagram, Path],
                png_scale: int) -> None:
    """Convert the SVGs to PDF or PNG, one rsvg-convert per file, side by side."""
    workers = max(1, len(os.sched_getaffinity(0)))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(_derive, svgs[d], fmt, path, png_scale)
                       for (d, fmt), path in derived.items()]:
            future.result()


def _derive(svg: Path, fmt: str, path: Path, png_scale: int) -> None:
    """``path``: the PDF or PNG of ``svg``, made by rsvg-convert.

    Mermaid separates the words of a label by leading spaces in ``<tspan>``s,
    which SVG's default white-space handling lets a renderer drop (librsvg
    does); the converted copy keeps them (``xml:space="preserve"``: the text
    has no other spaces).  The PDF's date is SOURCE_DATE_EPOCH's.
    """
    text = svg.read_bytes().replace(b"<svg ", b'<svg xml:space="preserve" ', 1)
    args = ["--format", fmt, "--background-color", BACKGROUND]
    if fmt == "png":
        args += ["--zoom", str(png_scale)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0")}
    proc = subprocess.run([RSVG, *args], input=text, capture_output=True, env=env, check=False)
    if proc.returncode != 0 or not proc.stdout:
        raise RenderError(f"rsvg-convert could not convert {svg} to {fmt.upper()}: "
                          f"{proc.stderr.decode(errors='replace').strip()}")
    _publish(path, proc.stdout)


def _publish(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary name: two builds (make
    -j) may write the same file, and a reader never sees half of it."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _clean_svg(data: bytes) -> bytes:
    """Give the SVG a fixed size for ``<img>`` and check that text is SVG text."""
    from lxml import etree

    root = etree.fromstring(data)
    if root.find(".//{http://www.w3.org/2000/svg}foreignObject") is not None:
        raise RenderError("diagram SVG has <foreignObject> labels: set htmlLabels to false")
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    root.set("width", f"{width:.2f}")
    root.set("height", f"{height:.2f}")
    # "max-width" only makes sense inline; the background stays white so the
    # diagram reads on a dark page too.
    root.set("style", f"background-color: {BACKGROUND};")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
