"""An author's everyday mistakes: one clear line naming the file, never a
crash and never a stale book."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))

import inputs  # noqa: E402
from open_fence import unclosed_fences  # noqa: E402

AWKWARD = ["Capítulo Nuevo", "notas (copia)", "tema#2", "coste$", "hora:12", "-guion",
           "Captura de pantalla 2026-11-26"]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


# File names -----------------------------------------------------------------

@pytest.mark.parametrize("name, fixed", [
    ("Capítulo Nuevo.md", "capitulo-nuevo.md"),
    ("notas (copia).md", "notas-copia.md"),
    ("-guion.md", "guion.md"),
    ("sub carpeta/tema.md", "sub-carpeta/tema.md"),
])
def test_chapter_names_that_cannot_be_urls_are_refused_with_the_fix(name, fixed):
    why = inputs.name_problem(Path(name))
    assert why and why.startswith("chapter file names are URLs") and f"({fixed})" in why


def test_asset_names_with_spaces_are_refused_with_the_fix():
    why = inputs.name_problem(Path("imagenes/Captura de pantalla 2026-11-26.png"))
    assert why and "(imagenes/Captura-de-pantalla-2026-11-26.png)" in why


@pytest.mark.parametrize("name", ["que-es-mlops.md", "diagramas/nivel-0.en.mmd",
                                  "referencias.bib", "imagenes/Logo_v2.PNG", ".DS_Store"])
def test_good_names_pass(name):
    assert inputs.name_problem(Path(name)) is None


def test_every_awkward_name_is_refused_or_built_never_stale(fixture_book):
    """Add a chapter and an image under each awkward name, edit another
    chapter: the build refuses the name (naming the file and the fix) and
    never reports "Nothing to be done"; once the files are renamed, the edit
    is in the book."""
    book = fixture_book("minimal")
    first = book.make("html")
    assert first.returncode == 0, first.output
    page = book.dist / "html" / "es" / "capitulo.html"
    for n, name in enumerate(AWKWARD):
        chapter = book.src / f"{name}.md"
        image = book.src / "imagenes" / f"{name}.png"
        image.parent.mkdir(exist_ok=True)
        chapter.write_text(f"# {name}\n", encoding="utf-8")
        image.write_bytes(PNG)
        book.edit("capitulo.md", "Otro párrafo", f"Otro párrafo {n}")
        run = book.make("html")
        assert run.returncode != 0, run.output
        assert "Nothing to be done" not in run.output
        assert f"{name}.md: chapter file names are URLs" in run.output, run.output
        assert f"{name}.png: file names under the book" in run.output, run.output
        assert f"Otro párrafo {n}" not in page.read_text(encoding="utf-8")
        chapter.unlink()
        image.unlink()
    # A file with an awkward name outside the book's URLs is an input like
    # any other: adding it rebuilds, and the last edit is published.
    (book.src / "locales" / "es").mkdir(parents=True, exist_ok=True)
    (book.src / "locales" / "es" / "notas de traducción (v2).txt").write_text("x\n")
    last = book.make("html")
    assert last.returncode == 0, last.output
    assert f"Otro párrafo {len(AWKWARD) - 1}" in page.read_text(encoding="utf-8")


# Encodings ------------------------------------------------------------------

LATIN1 = "Línea uno\nLa canalización está lista\n".encode("latin-1")


@pytest.mark.parametrize("path", ["book/capitulo.md", "book/referencias.bib",
                                  "book/diagramas/nivel-0.mmd", "book/anchors.json",
                                  "locales/en/LC_MESSAGES/capitulo.po"])
def test_a_file_not_in_utf8_is_named_with_line_and_column(tmp_path, capsys, path):
    source, locales = tmp_path / "book", tmp_path / "locales"
    (source).mkdir()
    (tmp_path / "conf.py").write_text("project = 'x'\n")
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(LATIN1)
    status = inputs.main(["--lang", "en", "--source", str(source), "--conf", str(tmp_path),
                          "--locales", str(locales), str(tmp_path / "sig")])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{path}:1:2: not UTF-8 (byte 0xed); convert it with iconv -f latin1 -t utf-8" \
        in err.replace(str(tmp_path) + "/", ""), err
    assert not (tmp_path / "sig").exists()


def test_bom_and_crlf_are_fine():
    assert inputs.utf8_problem("\ufeff# Título\r\nTexto\r\n".encode("utf-8")) is None


def test_a_latin1_chapter_stops_the_build_before_sphinx_and_keeps_the_book(fixture_book):
    book = fixture_book("minimal")
    assert book.make("html").returncode == 0
    before = (book.dist / "html" / "es" / "capitulo.html").read_bytes()
    path = book.src / "capitulo.md"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Otro párrafo", "Otro cambio")
                     .encode("latin-1"))
    run = book.make("html")
    assert run.returncode != 0
    assert "capitulo.md:2:6: not UTF-8 (byte 0xed)" in run.output, run.output
    assert "Traceback" not in run.output and "UnicodeDecodeError" not in run.output
    assert (book.dist / "html" / "es" / "capitulo.html").read_bytes() == before


# Crashes ------------------------------------------------------------------

BOOM = '''
def _boom(app, doctree):
    if app.env.docname == "capitulo":
        raise ValueError("boom in an extension")

def setup(app):
    app.connect("doctree-read", _boom)
    return {"parallel_read_safe": True}
'''


@pytest.mark.parametrize("chapters", [0, 8], ids=["serial", "parallel"])
def test_an_extension_that_raises_gives_one_line_with_the_file(fixture_book, chapters):
    book = fixture_book("minimal")
    (book.src / "boom.py").write_text(BOOM)
    conf = book.src / "conf.py"
    conf.write_text(conf.read_text() + "\nimport sys, os\nsys.path.insert(0, os.path.dirname("
                    "os.path.abspath(__file__)))\nextensions.append('boom')\n"
                    "label_scheme_exempt = ['index', 'extra-*']\n")
    # More than five documents make Sphinx read in parallel processes.
    for n in range(chapters):
        (book.src / f"extra-{n}.md").write_text(f"# Extra {n}\n", encoding="utf-8")
    if chapters:
        book.edit("index.md", "capitulo\n",
                  "capitulo\n" + "".join(f"extra-{n}\n" for n in range(chapters)))
    run = book.make("html", "JOBS=3")
    assert run.returncode != 0
    errors = [line for line in run.output.splitlines() if ": error: " in line]
    assert len(errors) == 1, run.output
    assert "capitulo.md" in errors[0] and "boom in an extension" in errors[0], run.output
    assert "Traceback" not in run.output and "report" not in run.output.lower(), run.output
    log = book.build / "es" / "html.traceback.log"
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_a_bibliography_that_cannot_be_parsed_is_named_with_its_line(fixture_book):
    book = fixture_book("references")
    bib = book.src / "refs.bib"
    lines = bib.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = next(i for i, line in enumerate(lines) if line.lstrip().startswith("url"))
    lines[broken] = "  url\n"  # a field without '= {...}'
    bib.write_text("".join(lines), encoding="utf-8")
    run = book.make("html")
    assert run.returncode != 0
    errors = [line for line in run.output.splitlines() if ": error: " in line]
    assert len(errors) == 1, run.output
    assert "refs.bib:" in errors[0] and "syntax error" in errors[0], run.output
    assert not errors[0].startswith("conf.py"), run.output


# Forgotten fences -----------------------------------------------------------

@pytest.mark.parametrize("text, lines", [
    ("# T\n\n```python\nx = 1\n```\n", []),
    ("# T\n\n```python\nx = 1\n\nMás texto.\n", [3]),
    ("````md\n```\ndentro\n```\n````\n", []),
    (":::{note}\nNota\n", [1]),
    ("~~~\na\n~~~~~\n", []),
])
def test_unclosed_fences_are_found(text, lines):
    assert unclosed_fences(text) == lines


def test_a_chapter_that_ends_inside_a_fence_fails_with_the_line(fixture_book):
    book = fixture_book("minimal")
    book.edit("capitulo.md", "Otro párrafo.", "Otro párrafo.\n\n```python\nx = 1\n")
    run = book.make("html")
    assert run.returncode != 0
    assert "capitulo.md:11: WARNING: this code fence is never closed" in run.output, run.output


def test_a_tool_that_crashes_gives_one_line_naming_its_input(tmp_path):
    import subprocess

    gate = tmp_path / "gate.py"
    gate.write_text("import sys\nif sys.argv[1] == 'ok':\n    sys.exit(3)\n"
                    "data = {}\ndata[open(sys.argv[1]).read()]\n")
    artifact = tmp_path / "libro.epub"
    artifact.write_text("contenido")
    env = {**__import__("os").environ, "BUILDDIR": str(tmp_path / "build")}
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "run_tool.py"), str(gate),
                          str(artifact)], capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith(f"{artifact}: error: gate.py failed: KeyError: 'contenido'")
    assert "Traceback" in (tmp_path / "build" / "tools.traceback.log").read_text()
    passthrough = subprocess.run([sys.executable, str(ROOT / "tools" / "run_tool.py"),
                                  str(gate), "ok"], capture_output=True, text=True, env=env)
    assert passthrough.returncode == 3 and passthrough.stderr == ""
