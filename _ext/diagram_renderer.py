"""Render Mermaid diagrams in one browser, through a content-addressed cache.

The stock sphinxcontrib-mermaid starts one Chromium per diagram and renders
again for every builder and language.  Here every diagram that a build needs
goes to one Node process (``mermaid_batch.mjs``) that launches Chromium once,
and each output lands in a cache folder under a name derived from everything
that decides its bytes: the diagram source, the Mermaid configuration, the
output format, and the versions of mermaid-cli, mermaid and Chromium.  Every
builder and language shares the cache, so a diagram is rendered once per
format and never again until one of those inputs changes.

Outputs are made deterministic here: PDF dates come from SOURCE_DATE_EPOCH,
and the SVG gets a fixed size and loses what an ``<img>`` cannot use.

This module knows nothing about Sphinx; ``diagrams.py`` is the extension,
and ``tools/bench.py`` drives it directly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
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
MERMAID_CLI = ROOT / "node_modules" / "@mermaid-js" / "mermaid-cli" / "package.json"
MERMAID = ROOT / "node_modules" / "mermaid" / "package.json"

#: The SVG, PDF and PNG of a diagram, for the HTML, LaTeX and EPUB builders.
FORMATS = ("svg", "pdf", "png")


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
    chromium: str = "/usr/bin/chromium"
    mermaid_config: dict = dataclasses.field(default_factory=dict)
    png_scale: int = 3
    # Pages rendered at once: 2 renders 8 SVGs in 5.1 s instead of 6.5 s on
    # two cores.  PNGs go one at a time: screenshots of background tabs stall
    # for minutes in headless Chromium 156.
    concurrency: int = 2
    # Progress of a render (worth seeing even in a quiet build), and the
    # one-line summary when everything was cached.
    log: callable = lambda line: print(line, file=sys.stderr, flush=True)
    info: callable = lambda line: None


def _package_version(path: Path) -> str:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise RenderError(
            f"Mermaid CLI not installed ({path.relative_to(ROOT)} missing): "
            "run 'make setup' (npm ci) first"
        ) from None


def _chromium_version(chromium: str) -> str:
    if not shutil.which(chromium):
        raise RenderError(
            f"Chromium not found at {chromium}: install the Debian package "
            "'chromium' ('make system-deps' does it)"
        )
    try:
        out = subprocess.run([chromium, "--version"], capture_output=True,
                             text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError) as err:
        raise RenderError(
            f"Chromium at {chromium} does not run ({err}): reinstall the "
            "Debian package 'chromium'"
        ) from None
    return out.strip()


def renderer_identity(settings: Settings) -> dict:
    """Everything besides the source that decides a rendered file's bytes."""
    return {
        "mermaid-cli": _package_version(MERMAID_CLI),
        "mermaid": _package_version(MERMAID),
        "chromium": _chromium_version(settings.chromium),
        "config": settings.mermaid_config,
        "png_scale": settings.png_scale,
    }


def cache_path(diagram: Diagram, fmt: str, identity: dict, settings: Settings) -> Path:
    key = json.dumps({"code": diagram.code, "format": fmt, **identity},
                     sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return settings.cache_dir / f"mermaid-{digest}.{fmt}"


def _node_options(settings: Settings) -> dict:
    return {
        "backgroundColor": "white",
        "pdfFit": True,
        "mermaidConfig": settings.mermaid_config,
    }


def render(jobs: list[tuple[Diagram, str]], settings: Settings, *, label: str = "") -> dict:
    """Make sure every (diagram, format) in ``jobs`` is in the cache.

    Returns ``{(diagram, fmt): path}``.  Missing outputs are rendered in one
    browser; progress goes to ``settings.log``.  Raises RenderError naming
    each failing diagram's file and line with Mermaid's own message.
    """
    identity = renderer_identity(settings)
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    paths, todo = {}, {}
    for diagram, fmt in jobs:
        path = cache_path(diagram, fmt, identity, settings)
        paths[(diagram, fmt)] = path
        if not path.exists():
            todo.setdefault(path.name, (diagram, fmt, path))
    total = len(paths)
    cached = total - len(todo)
    prefix = f"diagrams{f' [{label}]' if label else ''}"
    if not todo:
        settings.info(f"{prefix}: {total} of {total} cached, 0 rendered")
        return paths

    settings.log(f"{prefix}: {cached} of {total} cached, rendering {len(todo)} "
                 f"with one Chromium")
    request = {
        "chromium": settings.chromium,
        # Chromium refuses to sandbox as root; Read the Docs builds in a
        # container without the user namespaces its sandbox needs.
        "noSandbox": os.geteuid() == 0 or os.environ.get("READTHEDOCS") == "True",
        "concurrency": 1 if any(fmt == "png" for _, fmt, _ in todo.values())
                       else settings.concurrency,
        "scale": settings.png_scale,
        "options": _node_options(settings),
        "jobs": [
            {"key": key, "code": diagram.code, "format": fmt,
             "out": str(path.with_name(f"{path.name}.{os.getpid()}.raw"))}
            for key, (diagram, fmt, path) in todo.items()
        ],
    }
    errors, done = [], 0
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
    for line in proc.stdout:
        result = json.loads(line)
        if "fatal" in result:
            raise RenderError(
                f"Chromium at {settings.chromium} failed to start: "
                f"{result['fatal'].splitlines()[0]}\n"
                "Install or repair the Debian package 'chromium' "
                "('make system-deps')."
            )
        diagram, fmt, path = todo[result["key"]]
        done += 1
        where = f"{diagram.source}:{diagram.line}"
        if result["ok"]:
            raw = path.with_name(f"{path.name}.{os.getpid()}.raw")
            _finish(raw, path, fmt)
            if os.environ.get("V") == "1":  # one line a diagram in `make V=1`
                settings.log(f"{prefix}: [{cached + done}/{total}] rendered {fmt} "
                             f"of {where}")
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
    return paths


def _record(cache_dir: Path, path: Path, where: str) -> None:
    """One line per render, so tests can count renders instead of timing them."""
    with open(cache_dir / "renders.log", "a", encoding="utf-8") as log:
        log.write(f"{path.name} {where}\n")


def _syntax_error(diagram: Diagram, message: str) -> tuple[str, int, str]:
    """``(file, line, message)`` with the line inside the source file."""
    lines = message.splitlines()
    # Drop the stack frames that point into the browser bundle.
    lines = [ln for ln in lines if "mermaid-cli-intercept" not in ln] or lines
    line = diagram.line
    if match := re.search(r"on line (\d+)", lines[0]):
        # Mermaid counts past the end for an unclosed bracket.
        last = diagram.code.rstrip("\n").count("\n") + 1
        line = diagram.line + min(int(match.group(1)), last) - 1
    body = "\n    ".join(lines)
    return diagram.source, line, f"Mermaid syntax error: {body}"


def _finish(raw: Path, path: Path, fmt: str) -> None:
    """Normalise the renderer's output and move it to its cache name."""
    data = raw.read_bytes()
    if fmt == "pdf":
        data = _deterministic_pdf(data)
    elif fmt == "svg":
        data = _clean_svg(data)
    # Two builds (make -j) may render the same diagram: own temporary names.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    raw.unlink()


def _deterministic_pdf(data: bytes) -> bytes:
    """Chromium stamps the PDF with the current date; use SOURCE_DATE_EPOCH."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp,
                         "/Creator": "Mermaid", "/Producer": "Chromium (Skia/PDF)"})
    # The trailer ID is derived from the content, not from the clock.
    ident = ByteStringObject(hashlib.md5(data.split(b"/CreationDate")[0]).digest())
    writer._ID = ArrayObject([ident, ident])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
    root.set("style", "background-color: white;")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
