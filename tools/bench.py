"""Benchmark of the build pipeline: where the time goes, measured side by side.

Usage: python tools/bench.py [--scales 1,10,25,50] [--skip-scaling] [--all-scaling-runs]
                           [--only STEPS]
       (``make bench``)

Everything runs in one go on this machine, into ``_build/bench/`` (the
real ``_build`` and ``dist`` are not touched), and the results are written
to ``_build/bench/bench.md`` (a table) and ``_build/bench/bench.json``:

1. cold: ``make dist`` from nothing (empty diagram cache), as plain
   ``make`` runs it (every core) and with ``make -j1``; the **floor**: the
   same six Sphinx builders (same ``-j``) and the LaTeX passes (latexmk) by
   plain commands, one after the other, with the diagrams already in the
   cache and no gate: the work no pipeline of this book can skip (the
   cold build and the floor alternate, three times each, best of each
   kept); the baseline: the same formats built by plain ``sphinx-build`` (and ``make
   -C latex`` for the PDF) with the stock sphinxcontrib-mermaid settings,
   i.e. one Chromium per diagram and per builder, and the theme's own
   sidebar (both as -D overrides);
2. no-op: ``make dist`` again;
3. edits: one paragraph of a Spanish chapter, then one paragraph of an
   English catalog; what was redone (Sphinx builders, LaTeX runs, diagram
   renders) and how long it took;
4. stages: each builder and language, diagram rendering, LaTeX passes and
   the gates, timed one by one from a clean build folder;
5. diagrams: every render a cold build needs (each diagram of both
   editions, as SVG, PDF and PNG), stock (one ``mmdc`` per diagram and
   format) vs the pipeline's (one Chromium page renders the SVGs,
   rsvg-convert derives the rest), and a warm pass (nothing rendered);
6. scaling: synthetic books made of the real chapters repeated N times
   (labels, figures and diagrams made unique), HTML and LaTeX build times
   with the Makefile's ``-j`` (cores + 1) and the PDF's LaTeX passes, and a
   linear fit of each; ``--all-scaling-runs`` adds ``-j 1`` and the HTML
   with the theme's own sidebar.

No timing is asserted anywhere: these are figures to read, not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "_build" / "bench"
PY = ROOT / ".venv" / "bin" / "python"
SPHINX = ROOT / ".venv" / "bin" / "sphinx-build"
LANGS = ["es", "en"]


# The flags of a make that runs the benchmark (make bench) are not those of
# the builds it times.
ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def run(cmd, *, env=None, cwd=ROOT, check=True) -> tuple[float, str]:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env={**ENV, **(env or {})},
                          capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if check and proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return elapsed, proc.stdout + proc.stderr


def make(*args, build: Path, dist: Path, source: Path = ROOT / "book", env=None, check=True):
    return run(["make", "--no-print-directory", *args, f"BUILDDIR={build}", f"DISTDIR={dist}",
                f"SOURCEDIR={source}"], env=env, check=check)


def renders(build: Path) -> int:
    log = build / "diagram-cache" / "renders.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def stamps(build: Path) -> dict[str, float]:
    found = {str(p.relative_to(build)): p.stat().st_mtime for p in build.glob("*/*.stamp")}
    for lang in LANGS:
        pdf = build / lang / "latex" / "mlops-handbook.pdf"
        if pdf.exists():
            found[f"{lang}/latex-run"] = pdf.stat().st_mtime
    return found


def redone(before: dict, after: dict) -> list[str]:
    return sorted(k.replace(".stamp", "") for k in after if after[k] != before.get(k))


# 1-3: cold, baseline, no-op, edits
# ---------------------------------

COLD = "cold make (default: every core)"


# The cold build and the floor alternate, ROUNDS times each, and each keeps
# its best time: one disturbed run (this machine is shared) then weighs on
# neither side of the ratio, and both sides see the same machine.
ROUNDS = 3
# The words each round of an edit puts in place of "entre ellas:" (in a
# Spanish chapter) and of "are far more stable" (in an English catalog).
SPANISH_EDITS = ["entre ellas, sobre todo:", "entre ellas, ante todo:", "entre ellas, en especial:"]
ENGLISH_EDITS = ["are much more stable", "are a lot more stable", "are far steadier"]


def cold(name: str, flags: list[str]) -> tuple[float, Path]:
    build, dist = BENCH / f"cold-{name}" / "build", BENCH / f"cold-{name}" / "dist"
    shutil.rmtree(build.parent, ignore_errors=True)
    seconds, _ = make(*flags, "dist", build=build, dist=dist)
    return seconds, build


def bench_pipeline(results: dict) -> None:
    runs: dict[str, list[float]] = {COLD: [], FLOOR: []}
    for _ in range(ROUNDS):
        seconds, build = cold("default", [])
        runs[COLD].append(seconds)
        results[f"{COLD}: diagrams rendered"] = renders(build)
        print(f"{COLD}: {seconds:.1f} s", flush=True)
        runs[FLOOR].append(floor(build / "diagram-cache"))
        print(f"floor: {runs[FLOOR][-1]:.1f} s", flush=True)
    for key, seconds in runs.items():
        results[key] = min(seconds)
        results[f"{key}: every run"] = seconds
    seconds, build = cold("j1", ["-j1"])
    results["cold make -j1"] = seconds
    results["cold make -j1: diagrams rendered"] = renders(build)
    print(f"cold make -j1: {seconds:.1f} s", flush=True)

    build, dist = BENCH / "cold-default" / "build", BENCH / "cold-default" / "dist"
    seconds, output = make("dist", "V=1", build=build, dist=dist)
    results["no-op make"] = seconds
    results["no-op make: work done"] = [tool for tool in (
        "sphinx_build.py", "latex_run.py", "mermaid", "check_epub.py", "check_ace.py")
        if tool in output]

    # Each edit is made ROUNDS times (each time other words in the same
    # place) and keeps its best time, as the cold build it is compared with.
    work = BENCH / "edit-book"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(ROOT / "book", work)
    make("dist", build=build, dist=dist, source=work)  # same sources, other folder
    chapter = work / "por-que-es-importante.md"
    text = chapter.read_text(encoding="utf-8")
    assert "entre ellas:" in text, "the benchmark's chapter edit no longer applies"
    runs = []
    for words in SPANISH_EDITS[:ROUNDS]:
        before, rendered = stamps(build), renders(build)
        chapter.write_text(text.replace("entre ellas:", words, 1), encoding="utf-8")
        seconds, _ = make("dist", build=build, dist=dist, source=work)
        runs.append(seconds)
        results["edit one Spanish paragraph: redone"] = redone(before, stamps(build))
        results["edit one Spanish paragraph: diagrams rendered"] = renders(build) - rendered
    results["edit one Spanish paragraph"] = min(runs)
    results["edit one Spanish paragraph: every run"] = runs
    # English is redone too, and rightly: its catalog no longer translates
    # the edited paragraph, so the English edition shows the new Spanish.
    english = (build / "en" / "html" / "por-que-es-importante.html").read_text(encoding="utf-8")
    results["edit one Spanish paragraph: English edition shows it"] = words in english

    # Another chapter than the Spanish edit's: that edit left the English
    # translation of its paragraph stale (English shows the new Spanish
    # text), so a catalog edit there would change no output at all.
    catalog = ROOT / "locales" / "en" / "LC_MESSAGES" / "principios.po"
    original = catalog.read_bytes()
    runs = []
    try:
        for words in ENGLISH_EDITS[:ROUNDS]:
            before, rendered = stamps(build), renders(build)
            edited = original.replace(b"are far more stable", words.encode(), 1)
            assert edited != original, "the benchmark's catalog edit no longer applies"
            catalog.write_bytes(edited)
            seconds, _ = make("dist", build=build, dist=dist, source=work)
            runs.append(seconds)
            page = (build / "en" / "html" / "principios.html").read_text(encoding="utf-8")
            assert words in page, "the catalog edit did not reach the English HTML"
            results["edit one English paragraph: redone"] = redone(before, stamps(build))
            results["edit one English paragraph: diagrams rendered"] = renders(build) - rendered
    finally:
        catalog.write_bytes(original)
    results["edit one English paragraph (catalog)"] = min(runs)
    results["edit one English paragraph (catalog): every run"] = runs
    make("dist", build=build, dist=dist, source=work)  # back to the committed catalog


FLOOR = "floor: six Sphinx builders + latexmk, diagrams cached, no gates"
# latexmk through the Makefile Sphinx writes beside the .tex (it sets xindy's
# options); -xelatex as in tools/latex_run.py, over Debian's /etc/LatexMk.
LATEXMKOPTS = "LATEXMKOPTS=-xelatex -silent -interaction=nonstopmode"


def book_config(*values: str):
    """conf.py as sphinx-build reads it (Sphinx's ``Config.read``), with the
    extension values named in ``values`` registered so that they can be read."""
    from sphinx.config import Config
    from sphinx.util.tags import Tags

    config = Config.read(ROOT, overrides={}, tags=Tags())
    for name in values:
        config.add(name, None, "env", frozenset())
    return config


def plain_builds(out: Path, options: list[str], env: dict, *, epub_may_fail=False) -> float:
    """Seconds to build every format of every edition into ``out`` by plain
    commands: sphinx-build for each builder (with ``options``), then the
    LaTeX Makefile Sphinx writes (latexmk) for each PDF, one after the other."""
    env = {"PYTHONPATH": str(ROOT / "_ext"), "PUPPETEER_SKIP_DOWNLOAD": "1",
           "LC_ALL": "C.UTF-8",
           "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600"), **env}
    total = 0.0
    for lang in LANGS:
        for builder in ("html", "latex", "epub"):
            seconds, _ = run([str(SPHINX), "-b", builder, "-q", *options, "-D", f"language={lang}",
                              "-d", str(out / lang / "doctrees" / builder), "-c", str(ROOT),
                              str(ROOT / "book"), str(out / lang / builder)], env=env,
                             check=not (epub_may_fail and builder == "epub"))
            total += seconds
        seconds, _ = run(["make", "-C", str(out / lang / "latex"), "all-pdf", LATEXMKOPTS],
                         env=env)
        total += seconds
    return total


def floor(cache: Path) -> float:
    """The book's own work, by plain commands: each builder of each edition
    with the Makefile's -j, then latexmk for each PDF, one after the other;
    the diagrams come from the cold build's cache (copied, so this renders
    nothing), and no gate, checker, zip or checksum runs."""
    out = BENCH / "floor"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(cache, out / "diagram-cache")
    before = renders(out)
    total = plain_builds(out, ["-j", JOBS], {"DIAGRAM_CACHE": str(out / "diagram-cache")})
    assert renders(out) == before, "the floor rendered diagrams: the cache did not apply"
    return total


def baseline(results: dict) -> None:
    """The same three formats per language, by hand, with the stock
    sphinxcontrib-mermaid (one mmdc, hence one Chromium, per diagram) and
    the theme's own sidebar."""
    out = BENCH / "baseline"
    shutil.rmtree(out, ignore_errors=True)
    puppeteer = out / "puppeteer.json"
    out.mkdir(parents=True)
    puppeteer.write_text(json.dumps({"executablePath": "/usr/bin/chromium",
                                     "args": ["--no-sandbox"] if os.geteuid() == 0 else []}))
    # The stock variants, as -D overrides: sphinxcontrib-mermaid in place of
    # the diagrams extension, one mmdc per diagram, and the theme's sidebar.
    extensions = list(book_config().extensions)
    extensions[extensions.index("diagrams")] = "sphinxcontrib.mermaid"
    stock = ["-D", "extensions=" + ",".join(extensions),
             "-D", f"mermaid_cmd={ROOT / 'node_modules' / '.bin' / 'mmdc'}",
             "-D", f"mermaid_params=-p,{puppeteer},--pdfFit", "-D", "sidebar_nav_stock=1"]
    # The stock EPUB fails at its very end: sphinxcontrib-mermaid writes a
    # diagram's alt text unescaped (a bare "&"), which the book's EPUB
    # package step refuses as XML; its time still counts.
    total = plain_builds(out, stock, {}, epub_may_fail=True)
    results["baseline: plain sphinx-build + latexmk, stock mermaid"] = total
    print(f"baseline: {total:.1f} s", flush=True)


# 4: stages
# ---------

def bench_stages(results: dict) -> None:
    build, dist = BENCH / "stages" / "build", BENCH / "stages" / "dist"
    shutil.rmtree(build.parent, ignore_errors=True)
    stages = {}
    for lang in LANGS:
        for builder in ("html", "latex", "epub"):
            seconds, output = make(f"{build}/{lang}/{builder}.stamp", build=build, dist=dist)
            rendered = sum(float(a or b) for a, b in re.findall(
                r"rendered \d+ in ([\d.]+) s|rsvg-convert, ([\d.]+) s", output))
            stages[f"sphinx {builder} ({lang})"] = seconds - rendered
            stages[f"diagrams for {builder} ({lang})"] = rendered
        seconds, _ = run([str(PY), "tools/latex_run.py", str(build / lang / "latex" / "mlops-handbook.tex")])
        stages[f"LaTeX passes ({lang})"] = seconds
        # Without the checkers' cache (the one of `make bench` remembers the
        # real book's verdicts): what a check costs.
        seconds, _ = run([str(PY), "tools/check_epub.py", str(build / lang / "epub" / "mlops-handbook.epub")],
                         env={"CHECKER_CACHE": ""})
        stages[f"EPUBCheck ({lang})"] = seconds
        seconds, _ = run([str(PY), "tools/check_ace.py", str(build / lang / "epub" / "mlops-handbook.epub")],
                         env={"CHECKER_CACHE": ""})
        stages[f"Ace by DAISY ({lang})"] = seconds
    epubs = [str(build / lang / "epub" / "mlops-handbook.epub") for lang in LANGS]
    for name, tool in (("EPUBCheck", "check_epub.py"), ("Ace by DAISY", "check_ace.py")):
        seconds, _ = run([str(PY), f"tools/{tool}", *epubs], env={"CHECKER_CACHE": ""})
        stages[f"{name} (both editions, one start, as make runs it)"] = seconds
    make("dist", build=build, dist=dist)
    seconds, _ = run([str(PY), "tools/check_artifacts.py", "all", str(dist), str(build), *LANGS])
    stages["release gates (all languages)"] = seconds
    seconds, _ = run([str(PY), "tools/check_links.py", str(dist / "html"),
                      *[str(dist / f"mlops-handbook-{l}.epub") for l in LANGS]])
    stages["link check"] = seconds
    results["stages"] = stages


# 5: diagrams
# -----------

def bench_diagrams(results: dict) -> None:
    sys.path.insert(0, str(ROOT / "_ext"))
    import diagram_renderer as renderer

    # The Mermaid settings as the build reads them from conf.py.
    mermaid_config = book_config("diagram_mermaid_config").diagram_mermaid_config

    # Every diagram of both editions (x.mmd and its translation x.en.mmd).
    sources = sorted((ROOT / "book" / "diagramas").glob("*.mmd"))
    diagrams = [renderer.Diagram(p.read_text(encoding="utf-8"), str(p), 1) for p in sources]
    jobs = [(d, fmt) for d in diagrams for fmt in renderer.FORMATS]
    cache = BENCH / "diagram-cache"
    shutil.rmtree(cache, ignore_errors=True)
    settings = renderer.Settings(cache_dir=cache, mermaid_config=mermaid_config,
                                 log=lambda line: None)
    start = time.monotonic()
    renderer.render(jobs, settings)
    ours = time.monotonic() - start
    start = time.monotonic()
    renderer.render(jobs, settings)
    warm = time.monotonic() - start

    config = BENCH / "mermaid-config.json"
    config.write_text(json.dumps(mermaid_config))
    puppeteer = BENCH / "puppeteer.json"
    puppeteer.write_text(json.dumps({"executablePath": "/usr/bin/chromium",
                                     "args": ["--no-sandbox"] if os.geteuid() == 0 else []}))
    stock = 0.0
    for source in sources:
        for fmt in renderer.FORMATS:
            seconds, _ = run([str(ROOT / "node_modules" / ".bin" / "mmdc"), "-q", "-i", str(source),
                              "-o", str(BENCH / f"{source.stem}.{fmt}"), "-c", str(config),
                              "-p", str(puppeteer), *(["--pdfFit"] if fmt == "pdf" else [])],
                             env={"PUPPETEER_SKIP_DOWNLOAD": "1"})
            stock += seconds
    results["diagrams"] = {
        "diagrams": len(sources),
        "renders (diagram x format)": len(jobs),
        "stock: one mmdc per diagram and format (s)": stock,
        "pipeline: one page, SVG once, rsvg-convert (s)": ours,
        "warm, all cached (s)": warm,
    }
    print(f"diagrams: stock {stock:.1f} s, pipeline {ours:.1f} s", flush=True)


# 6: scaling
# ----------

LABEL = re.compile(r"\b((?:cap|sec|fig|eq|code|tab)-[a-z0-9-]+)")


def synthetic_book(factor: int) -> Path:
    """The real book with its chapters (and their diagrams) repeated."""
    book = BENCH / f"scale-{factor}" / "book"
    shutil.rmtree(book, ignore_errors=True)
    # Builds start afresh, but the diagrams rendered by an earlier run are
    # kept: they are not what this part measures.
    for old in (book.parent / "build").glob("*"):
        if old.name != "diagram-cache":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    shutil.copytree(ROOT / "book", book)
    index = (book / "index.md").read_text(encoding="utf-8")
    chapters = re.search(r":numbered:\n\n(.*?)\n```", index, re.S).group(1).split()
    added = []
    for copy in range(2, factor + 1):
        for name in chapters:
            text = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
            text = LABEL.sub(lambda m: f"{m.group(1)}-k{copy}", text)
            text = re.sub(r"\{cite:p\}`[^`]*`", "", text)  # one citation per entry is enough
            text = re.sub(r"```\{mermaid\} diagramas/([a-z0-9-]+)\.mmd",
                          lambda m: f"```{{mermaid}} diagramas/{m.group(1)}-k{copy}.mmd", text)
            (book / f"{name}-k{copy}.md").write_text(text, encoding="utf-8")
            added.append(f"{name}-k{copy}")
        for mmd in (ROOT / "book" / "diagramas").glob("*.mmd"):
            stem, _, rest = mmd.name.partition(".")
            (book / "diagramas" / f"{stem}-k{copy}.{rest}").write_text(
                mmd.read_text(encoding="utf-8") + f"%% copy {copy}\n", encoding="utf-8")
    index = index.replace(chapters[-1] + "\n```", chapters[-1] + "\n" + "\n".join(added) + "\n```", 1)
    (book / "index.md").write_text(index, encoding="utf-8")
    return book


# The real book's numbered chapters and diagrams, the unit of the scaling runs.
CHAPTERS = len(re.search(r":numbered:\n\n(.*?)\n```",
                         (ROOT / "book" / "index.md").read_text(encoding="utf-8"), re.S).group(1).split())
DIAGRAMS = len([p for p in (ROOT / "book" / "diagramas").glob("*.mmd") if len(p.suffixes) == 1])
# The Makefile's default -j: one more than the cores (see JOBS there).
JOBS = str(len(os.sched_getaffinity(0)) + 1)
THEME_SIDEBAR = "sphinx html -j 1, theme's sidebar"
SCALING_RUNS = [  # (column, builder, -j, environment)
    (f"sphinx html -j {JOBS}", "html", JOBS, {}),
    (f"sphinx latex -j {JOBS}", "latex", JOBS, {}),
]
# With --all-scaling-runs: -j 1, and the theme's own sidebar (quadratic in
# the number of pages: minutes at 50x).
MORE_SCALING_RUNS = [
    (THEME_SIDEBAR, "html", "1", {"SPHINXOPTS": "-q -D sidebar_nav_stock=1"}),
    ("sphinx html -j 1", "html", "1", {}),
    ("sphinx latex -j 1", "latex", "1", {}),
]


def linear_fit(xs: list[float], ys: list[float]) -> dict:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    intercept = my - slope * mx
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys) or 1.0
    return {"seconds per chapter": slope, "fixed seconds": intercept, "r2": 1 - ss_res / ss_tot}


def bench_scaling(results: dict, factors: list[int], runs: list) -> None:
    rows = []
    for factor in factors:
        book = synthetic_book(factor)
        build = book.parent / "build"
        out = {"factor": factor, "chapters": CHAPTERS * factor, "diagrams": DIAGRAMS * factor}
        # Diagrams once (not timed here: measured above), then builds only.
        make(f"{build}/es/html.stamp", f"{build}/es/latex.stamp", build=build,
             dist=book.parent / "dist", source=book, env={"SPHINXOPTS": "-q"})
        for column, builder, jobs, env in runs:
            shutil.rmtree(build / "es" / builder, ignore_errors=True)
            shutil.rmtree(build / "es" / "doctrees" / builder, ignore_errors=True)
            (build / "es" / f"{builder}.stamp").unlink(missing_ok=True)
            seconds, _ = make(f"{build}/es/{builder}.stamp", f"JOBS={jobs}", build=build,
                              dist=book.parent / "dist", source=book,
                              env={"SPHINXOPTS": "-q", **env})
            out[column] = seconds
        seconds, _ = run([str(PY), "tools/latex_run.py", str(build / "es" / "latex" / "mlops-handbook.tex")])
        out["LaTeX to PDF"] = seconds
        out["pages"] = int(re.search(r"Pages:\s+(\d+)", run(["pdfinfo", str(build / "es" / "latex" / "mlops-handbook.pdf")])[1]).group(1))
        out["HTML MB"] = sum(p.stat().st_size for p in (build / "es" / "html").rglob("*")
                             if p.is_file()) / 1e6
        rows.append(out)
        print(f"scale {factor}x: {out}", flush=True)
        shutil.rmtree(book.parent / "dist", ignore_errors=True)
    results["scaling"] = rows
    if len(rows) >= 2:
        xs = [r["chapters"] for r in rows]
        results["scaling fit"] = {key: linear_fit(xs, [r[key] for r in rows])
                                  for key in [run[0] for run in runs] + ["LaTeX to PDF"]}
        largest = rows[-1]
        results["scaling speed-up"] = {
            f"-j {JOBS} over -j 1 at {largest['factor']}x, {builder}":
                largest[f"sphinx {builder} -j 1"] / largest[f"sphinx {builder} -j {JOBS}"]
            for builder in ("html", "latex") if f"sphinx {builder} -j 1" in largest}


# Report
# ------

TARGETS = (  # (what, measured, against, target ratio): issue 18's targets
    ("cold make (default) / floor", COLD, FLOOR, 1.5),
    ("diagrams: pipeline / stock", "pipeline: one page, SVG once, rsvg-convert (s)",
     "stock: one mmdc per diagram and format (s)", 0.15),
    ("one Spanish paragraph edited / cold make", "edit one Spanish paragraph", COLD, 0.35),
)


def _value(results: dict, key: str):
    return results.get(key, results.get("diagrams", {}).get(key))


def report(results: dict) -> str:
    lines = ["# Build benchmark", "",
             f"Machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}, "
             f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
             "", "| measurement | seconds | / floor |", "|---|---:|---:|"]
    base = results.get(FLOOR)
    for key, value in results.items():
        if isinstance(value, float):
            ratio = f"{value / base:.2f}x" if base else ""
            lines.append(f"| {key} | {value:.2f} | {ratio} |" if value < 1
                         else f"| {key} | {value:.1f} | {ratio} |")
    for key in (COLD, FLOOR, "edit one Spanish paragraph", "edit one English paragraph (catalog)"):
        if f"{key}: every run" in results:
            how = ", alternating" if key in (COLD, FLOOR) else ""
            lines.append(f"| {key}: every run{how} (best above) | "
                         + ", ".join(f"{s:.1f}" for s in results[f"{key}: every run"]) + " | |")
    if f"{COLD}: every run" in results and f"{FLOOR}: every run" in results:
        lines.append("| cold make / floor, round by round | " + ", ".join(
            f"{a / b:.2f}x" for a, b in zip(results[f"{COLD}: every run"],
                                            results[f"{FLOOR}: every run"])) + " | |")
    if "diagrams" in results:
        for key, value in results["diagrams"].items():
            shown = f"{value:.1f}" if isinstance(value, float) else str(value)
            lines.append(f"| diagrams: {key} | {shown} | |")
    lines += ["", "| target | ratio | met |", "|---|---:|---|"]
    for what, measured, against, target in TARGETS:
        a, b = _value(results, measured), _value(results, against)
        if a is not None and b:
            lines.append(f"| {what} ≤ {target} | {a / b:.2f} | {'yes' if a / b <= target else 'no'} |")
    if "no-op make" in results:
        done = results.get("no-op make: work done", [])
        lines.append(f"| no-op make does no Sphinx, LaTeX, diagram or checker work | "
                     f"{', '.join(done) or 'none'} | {'no' if done else 'yes'} |")
    for key in ("edit one Spanish paragraph", "edit one English paragraph"):
        if f"{key}: redone" in results:
            lines.append("")
            lines.append(f"{key}: redone {', '.join(results[f'{key}: redone']) or 'nothing'}; "
                         f"diagrams rendered: {results[f'{key}: diagrams rendered']}.")
    if results.get("edit one Spanish paragraph: English edition shows it"):
        lines.append("(The English edition is redone after a Spanish edit because it shows it: "
                     "its catalog no longer translates that paragraph.)")
    for key in (COLD, "cold make -j1"):
        if f"{key}: diagrams rendered" in results:
            lines.append(f"{key}: {results[f'{key}: diagrams rendered']} diagram renders "
                         f"({DIAGRAMS} diagrams, each once per edition).")
    if "stages" in results:
        lines += ["", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {k} | {v:.1f} |" for k, v in results["stages"].items()]
    if "scaling" in results:
        keys = [k for k in results["scaling"][0] if k not in ("factor",)]
        lines += ["", "| " + " | ".join(["size"] + keys) + " |", "|" + "---|" * (len(keys) + 1)]
        for row in results["scaling"]:
            lines.append("| " + " | ".join([f"{row['factor']}x"] + [
                f"{row[k]:.1f}" if isinstance(row[k], float) else str(row[k]) for k in keys]) + " |")
        lines.append("")
        for key, fit in results.get("scaling fit", {}).items():
            lines.append(f"- {key}: {fit['fixed seconds']:.1f} s + {fit['seconds per chapter']:.3f} s "
                         f"per chapter (R² = {fit['r2']:.3f})")
        for key, ratio in results.get("scaling speed-up", {}).items():
            lines.append(f"- {key}: {ratio:.2f}x")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,25,50")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--all-scaling-runs", action="store_true",
                        help="also -j 1 and the theme's sidebar at every size")
    parser.add_argument("--only", default="", help="comma list: pipeline,baseline,stages,diagrams,scaling")
    args = parser.parse_args(argv)
    BENCH.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    # A partial run (--only) updates the figures of an earlier full run.
    previous = BENCH / "bench.json"
    results: dict = json.loads(previous.read_text()) if only and previous.exists() else {}
    # The pipeline first: the cold builds and the floor are the figures the
    # targets hang on, and the stock diagram renders (minutes of Chromium at
    # full load) leave this machine slower for a while after.
    steps = [("pipeline", bench_pipeline), ("diagrams", bench_diagrams), ("baseline", baseline),
             ("stages", bench_stages)]
    for name, step in steps:
        if not only or name in only:
            step(results)
    if not args.skip_scaling and (not only or "scaling" in only):
        bench_scaling(results, [int(f) for f in args.scales.split(",")],
                      SCALING_RUNS + (MORE_SCALING_RUNS if args.all_scaling_runs else []))
    (BENCH / "bench.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    text = report(results)
    (BENCH / "bench.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
