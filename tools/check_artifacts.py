"""Release gates over the built artifacts of each edition.

Usage: python tools/check_artifacts.py all DIST_DIR BUILD_DIR LANG...
       python tools/check_artifacts.py pdf FILE.pdf LANG
       python tools/check_artifacts.py epub FILE.epub LANG
       python tools/check_artifacts.py html SITE_DIR LANG

``all`` reads, for each language, ``DIST_DIR/mlops-handbook-<lang>.{pdf,epub}``,
the site ``DIST_DIR/html/<lang>/`` and the LaTeX log in
``BUILD_DIR/<lang>/latex/``; ``pdf``, ``epub`` and ``html`` gate one freshly
built artifact before the Makefile publishes it (the PDF's LaTeX log and
sources are next to it).  Each artifact is parsed once: the ``pdf`` and
``epub`` gates save what they read (``<file>.gates.json``: text, metadata)
beside the built file, and ``all`` parses a published file again only when
it is not, byte for byte, the file they read.  Real parsers (pypdf, poppler's pdftotext, lxml, zipfile) throughout;
every problem is printed, and the exit status is 1 if there is any.
EPUBCheck and the internal link check run separately (check_epub.py,
check_links.py).

* EPUB: no script, no remote resource, ``dc:language``, the EPUB
  Accessibility metadata (a conformance claim included), alt text on every
  image; what reading systems and Kindle's converter expect (see
  ``epub_package_problems``): a real identifier, distinct per edition (in
  ``all``), no placeholder metadata, UTF-8 XML declarations, ``lang`` on
  every page, no link to a ``<body>`` id, no ``--`` in comments, no unused
  file.
* PDF: fonts embedded, one outline entry per chapter, title, author and
  language, A4 pages, internal links that land, no ``??`` left by an
  unresolved reference, no "Missing character" and no overfull box wider
  than OVERFULL_PT in the LaTeX log (the worst are listed); no page holding
  only a stranded tail (MAX_TAIL_LINES lines or fewer), no running head on a
  blank page, no citation box split across pages (``pdf_layout_problems``).
* HTML: no script, style sheet, font, image or frame from another host;
  ``lang`` on every page.
* Parity: every chapter title, figure caption, glossary term and
  bibliography entry of the HTML edition is in the PDF and in the EPUB.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree, html

import gate

OVERFULL_PT = 3.0
# A page holding this many lines or fewer of text is a stranded tail.
MAX_TAIL_LINES = 2
BIBTEX_START = re.compile(r"^@\s*\w+\s*\{")
A4 = (595.28, 841.89)
ACCESSIBILITY = ("dcterms:conformsTo", "schema:accessMode", "schema:accessModeSufficient",
                 "schema:accessibilityFeature", "schema:accessibilityHazard",
                 "schema:accessibilitySummary")
REMOTE = re.compile(r"^(https?:)?//", re.I)
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_UTF8 = re.compile(rb"""encoding=["']utf-8["']""", re.I)
# A language tag (BCP 47, the forms a book uses: es, en, pt-BR, zh-Hant-TW).
BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$")
# Sphinx's defaults for unset EPUB metadata, and the old shared identifier.
PLACEHOLDERS = {"", "unknown", "mlops-handbook"}


def _squash(text: str) -> str:
    """Letters and digits only: survives hyphenation and lost spaces in PDF text."""
    return re.sub(r"[\W_]+", "", text).lower()


# EPUB
# ----

def epub_text_and_problems(path: Path, lang: str) -> tuple[str, list[str]]:
    problems, texts = [], []
    with zipfile.ZipFile(path) as epub:
        opf_name = next(n for n in epub.namelist() if n.endswith(".opf"))
        opf = epub.read(opf_name).decode("utf-8")
        if f"<dc:language>{lang}</dc:language>" not in opf:
            problems.append(f"{path}: dc:language is not {lang!r}")
        for prop in ACCESSIBILITY:
            if f'property="{prop}"' not in opf:
                problems.append(f"{path}: no {prop} metadata in {opf_name}")
        problems += epub_package_problems(path, epub, opf_name)
        for name in sorted(epub.namelist()):
            data = epub.read(name)
            if name.endswith((".xhtml", ".html")):
                try:
                    tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
                except etree.XMLSyntaxError as err:
                    problems.append(f"{path}/{name}:{err.lineno}: not well-formed XML: {err.msg}")
                    continue
                for el in tree.iter():
                    tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
                    if tag == "script":
                        problems.append(f"{path}/{name}:{el.sourceline}: <script>")
                    for attr in ("src", "href"):
                        value = el.get(attr) or ""
                        if REMOTE.match(value) and tag != "a":
                            problems.append(f"{path}/{name}:{el.sourceline}: remote resource {value}")
                    if tag == "img" and not (el.get("alt") or "").strip() \
                            and "cover" not in name:
                        problems.append(f"{path}/{name}:{el.sourceline}: image without alt text")
                texts.append(" ".join(tree.itertext()))
            elif name.endswith(".css") and re.search(rb"url\(\s*['\"]?(https?:)?//", data):
                problems.append(f"{path}/{name}: remote url() in style sheet")
    return "\n".join(texts), problems


def epub_identifier(path: Path) -> str:
    """The EPUB's unique identifier (the dc:identifier the package names)."""
    with zipfile.ZipFile(path) as epub:
        opf_name = next(n for n in epub.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(epub.read(opf_name))
    uid = opf.get("unique-identifier")
    return "".join(opf.xpath("//dc:identifier[@id=$uid]/text()", namespaces=NS, uid=uid)).strip()


def epub_package_problems(path: Path, epub: zipfile.ZipFile, opf_name: str) -> list[str]:
    """What reading systems and Kindle's converter expect of the package.

    An identifier that is not Sphinx's placeholder, no placeholder
    contributor or publisher, a valid language tag, an XML declaration naming
    UTF-8 on every XML file, ``lang``/``xml:lang`` on every content
    document, no link to a ``<body>`` id, no ``--`` in an XML comment, and no
    file in the manifest that nothing uses (the cover image is used by the
    package itself).
    """
    problems = []
    opf = etree.fromstring(epub.read(opf_name))
    opf_dir = posixpath.dirname(opf_name)
    language = "".join(opf.xpath("//dc:language/text()", namespaces=NS)).strip()
    if not BCP47.match(language):
        problems.append(f"{path}/{opf_name}: dc:language {language!r} is not a language tag")
    identifier = epub_identifier(path)
    if not identifier or identifier in PLACEHOLDERS:
        problems.append(f"{path}/{opf_name}: no real dc:identifier ({identifier!r})")
    for field in ("contributor", "publisher", "creator"):
        for value in opf.xpath(f"//dc:{field}/text()", namespaces=NS):
            if value.strip() in PLACEHOLDERS:
                problems.append(f"{path}/{opf_name}: dc:{field} is the placeholder {value.strip()!r}")
    manifest = {posixpath.normpath(posixpath.join(opf_dir, item.get("href"))): item
                for item in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = {item.get("idref") for item in opf.iterfind(".//opf:spine/opf:itemref", NS)}
    used = {name for name, item in manifest.items()
            if item.get("id") in spine or {"nav", "cover-image"} & set((item.get("properties") or "").split())
            or item.get("media-type") == "application/x-dtbncx+xml"}
    body_ids = {}
    links = []
    for name in sorted(epub.namelist()):
        data = epub.read(name)
        if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
            declaration = data.split(b"?>", 1)[0] if data.startswith(b"<?xml") else b""
            if not XML_UTF8.search(declaration):
                problems.append(f"{path}/{name}:1: no XML declaration naming UTF-8 "
                                "(<?xml version=\"1.0\" encoding=\"UTF-8\"?>)")
        if name.endswith(".css"):
            for ref in re.findall(rb"url\(\s*['\"]?([^'\")]+)", data):
                used.add(posixpath.normpath(posixpath.join(posixpath.dirname(name), ref.decode())))
        if not name.endswith(".xhtml"):
            continue
        try:
            tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            continue  # reported with its line by the caller
        for attr in ("lang", f"{{{XML_NS}}}lang"):
            if not tree.get(attr):
                problems.append(f"{path}/{name}:{tree.sourceline}: <html> has no "
                                f"{'xml:lang' if attr != 'lang' else 'lang'}")
        body = tree.find(f"{{{XHTML}}}body")
        if body is not None and body.get("id"):
            body_ids[name] = body.get("id")
        for comment in tree.iter(etree.Comment):
            if "--" in (comment.text or ""):
                problems.append(f"{path}/{name}:{comment.sourceline}: '--' inside an XML comment")
        for el in tree.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value and not REMOTE.match(value) and not value.startswith(("mailto:", "#")):
                    target, _, fragment = value.partition("#")
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
                    used.add(target)
                    links.append((name, el.sourceline, target, fragment))
                elif value and value.startswith("#"):
                    links.append((name, el.sourceline, name, value[1:]))
    for name, line, target, fragment in links:
        if fragment and body_ids.get(target) == fragment:
            problems.append(f"{path}/{name}:{line}: link to the <body> id {target}#{fragment} "
                            "(Kindle's converter rejects it)")
    for name in sorted(set(manifest) - used):
        problems.append(f"{path}/{name}: in the package but used by no page, style sheet "
                        "or the package (remove it with epub_exclude_files)")
    return problems


def distinct_identifiers(epubs: list[Path]) -> list[str]:
    """Two editions with one identifier: a reading system takes one for the other."""
    seen: dict[str, Path] = {}
    problems = []
    for epub in epubs:
        identifier = epub_identifier(epub)
        if identifier in seen:
            problems.append(f"{epub}: dc:identifier {identifier!r} is also {seen[identifier]}'s; "
                            "a library would replace one edition with the other")
        seen.setdefault(identifier, epub)
    return problems


# PDF
# ---

def metadata_problems(path: Path, title, author, expected: dict | None) -> list[str]:
    """The PDF's title and author: the edition's (``expected``), or, when
    None, any as long as there is one."""
    problems = []
    for key, value, field in (("title", title, "project"), ("author", author, "author")):
        want = expected[field] if expected else None
        if not value or (want and value != want):
            problems.append(f"{path}: {key} {value!r}"
                            + (f", expected {want!r}" if want else ", expected one"))
    return problems


def pdf_text_and_problems(path: Path, lang: str, log: Path, chapters: int,
                          expected: dict | None) -> tuple[str, list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    meta = reader.metadata or {}
    problems = metadata_problems(path, meta.get("/Title"), meta.get("/Author"), expected)
    if not str(reader.trailer["/Root"].get("/Lang", "")).startswith(lang):
        problems.append(f"{path}: document language is not {lang!r}")
    fonts, names = set(), set(reader.named_destinations)
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        if abs(width - A4[0]) > 1 or abs(height - A4[1]) > 1:
            problems.append(f"{path}: page {number} is {width:.0f}x{height:.0f} pt, not A4")
        for font in _fonts(page):
            fonts.add(font)
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and action is not None and action.get_object().get("/S") == "/GoTo":
                dest = action.get_object().get("/D")
            if isinstance(dest, (str, bytes)) or hasattr(dest, "decode"):
                if str(dest) not in names:
                    problems.append(f"{path}: page {number}: link to missing destination {dest!r}")
    for name, embedded in sorted(fonts):
        if not embedded:
            problems.append(f"{path}: font {name} is not embedded")
    outline = [item for item in reader.outline if not isinstance(item, list)]
    if len(outline) < chapters:
        problems.append(f"{path}: {len(outline)} top-level outline entries for {chapters} chapters")
    # One text extraction (pdftotext): its lines serve the layout checks, and
    # joined, as the page's text, the parity and "??" checks.
    pages = pages_lines(path)
    problems += pdf_layout_problems(reader, path, _continuation_labels(log.parent), pages)
    text = "\n".join("\n".join(lines) for lines in pages)
    if "??" in text:
        problems.append(f"{path}: unresolved reference '??' in the text")
    if log.exists():
        content = log.read_text(encoding="utf-8", errors="replace")
        for line in content.splitlines():
            if "Missing character" in line:
                problems.append(f"{log}: {line.strip()}")
        overfull = sorted(((float(m.group(1)), m.group(0)) for m in
                           re.finditer(r"Overfull \\hbox \(([\d.]+)pt too wide\)[^\n]*", content)),
                          reverse=True)
        wide = [o for o in overfull if o[0] > OVERFULL_PT]
        if wide:
            problems.append(f"{log}: {len(wide)} overfull boxes wider than {OVERFULL_PT} pt; "
                            "worst: " + "; ".join(o[1] for o in wide[:5]))
    else:
        problems.append(f"{log}: LaTeX log not found")
    return text, problems


# Each artifact is parsed once.  The gate of one format, run on the freshly
# built file, saves what "all" needs from it (text, metadata) beside it; "all"
# takes that reading when the published file has the same checksum, which
# proves it is the file that passed the gate.

def _reading_file(artifact: Path) -> Path:
    return artifact.with_name(artifact.name + ".gates.json")


def save_reading(artifact: Path, reading: dict) -> None:
    data = {"sha256": hashlib.sha256(artifact.read_bytes()).hexdigest(), **reading}
    _reading_file(artifact).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load_reading(built: Path, published: Path) -> dict | None:
    """The reading of ``built`` if ``published`` is byte for byte that file."""
    try:
        data = json.loads(_reading_file(built).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("sha256") != hashlib.sha256(published.read_bytes()).hexdigest():
        return None
    return data


def pages_lines(path: Path) -> list[list[str]]:
    """The lines of text of each page of a PDF, top to bottom, as poppler's
    pdftotext lays them out (pieces of text on one baseline make one line,
    the spaces between words kept), blank lines left out."""
    proc = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{path}: pdftotext failed: {proc.stderr.strip()}")
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()]
            for page in proc.stdout.split("\f")]


def _body(lines: list[str], folio: str) -> list[str]:
    """The lines of a page without its running head (the top line, which
    carries the folio) and its foot (the folio alone)."""
    if lines and (lines[0] == folio or lines[0].startswith(folio + " ")
                  or lines[0].endswith(" " + folio)):
        lines = lines[1:]
    if lines and lines[-1] == folio:
        lines = lines[:-1]
    return lines


def _continuation_labels(latex_dir: Path) -> set[str]:
    """Sphinx's "(continued from previous page)" labels of split code boxes, in
    the edition's language (sphinxmessages.sty next to the LaTeX log)."""
    messages = latex_dir / "sphinxmessages.sty"
    if not messages.exists():
        return set()
    return {f"({m})" for m in re.findall(r"\\renewcommand\{\\literalblockcontinue[ds]name\}\{([^}]*)\}",
                                         messages.read_text(encoding="utf-8"))}


def pdf_layout_problems(reader, path: Path, continuation: set[str],
                        pages: list[list[str]] | None = None) -> list[str]:
    """Typesetting faults seen in the text of each page.

    * a page whose only text is the tail of what the page before began (a
      box, a list, a paragraph): MAX_TAIL_LINES lines or fewer;
    * a blank page that still has a running head (Sphinx's stock style
      leaves a folio alone on the blank page after the contents; the book's
      blank pages have neither);
    * a BibTeX entry (the chapters' "How to cite" box) that starts on a page
      and does not end on it.

    ``pages``: each page's lines, when the caller has them already.
    """
    problems = []
    labels = reader.page_labels
    pages = pages or pages_lines(path)
    for number in range(1, len(reader.pages) + 1):
        folio = labels[number - 1] if number <= len(labels) else str(number)
        lines = pages[number - 1]
        body = [line for line in _body(lines, folio) if line not in continuation]
        where = f"{path}: page {number}" + (f" (folio {folio})" if folio != str(number) else "")
        if not body and any(line != folio for line in lines):
            problems.append(f"{where}: a blank page with a running head")
        elif 0 < len(body) <= MAX_TAIL_LINES:
            problems.append(f"{where}: holds only {len(body)} line(s), the tail of the page "
                            f"before: {' / '.join(body)[:100]!r}")
        for i, line in enumerate(body):
            if BIBTEX_START.match(line) and "}" not in body[i + 1:]:
                problems.append(f"{where}: the BibTeX entry {line[:60]!r} does not end on this "
                                "page: a citation box split across pages")
    return problems


def _fonts(page) -> list[tuple[str, bool]]:
    found = []
    resources = page.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    stack = [fonts]
    for xobj in (resources.get("/XObject") or {}).values():
        xres = xobj.get_object().get("/Resources")
        if xres is not None and xres.get("/Font"):
            stack.append(xres["/Font"])
    for table in stack:
        for font in table.values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and font.get("/DescendantFonts"):
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            if font.get("/Subtype") == "/Type3":
                embedded = True
            found.append((str(font.get("/BaseFont")), embedded))
    return found


# HTML
# ----

def html_items_and_problems(site: Path, lang: str) -> tuple[dict, list[str]]:
    problems = []
    items = {"chapter": [], "figure": [], "term": [], "reference": []}
    for page in sorted(site.glob("*.html")):
        tree = html.fromstring(page.read_bytes())
        root_lang = tree.get("lang")
        if root_lang != lang and page.parent.name == lang:
            problems.append(f"{page}: lang={root_lang!r}, expected {lang!r}")
        for el in tree.iter("script", "link", "img", "iframe", "source", "video", "audio"):
            for attr in ("src", "href"):
                value = el.get(attr) or ""
                if REMOTE.match(value) and not (el.tag == "link" and el.get("rel") in
                                                ("canonical", "alternate")):
                    problems.append(f"{page}:{el.sourceline}: <{el.tag}> from another host: {value}")
        main = tree.find(".//main") if tree.find(".//main") is not None else tree
        if page.stem in ("genindex", "search"):  # HTML-only pages
            continue
        for h1 in main.iter("h1"):
            items["chapter"].append(_clean(h1))
        for cap in main.xpath('.//figcaption//span[@class="caption-text"]'):
            items["figure"].append(cap.text_content())
        if page.stem == "glosario":
            items["term"] += [_clean(dt) for dt in main.xpath(".//dl[contains(@class,'glossary')]/dt")]
        if page.stem == "referencias":
            items["reference"] += [el.text_content() for el in
                                   main.xpath(".//div[contains(@class,'citation')]//p | .//ol[contains(@class,'bibliography') or contains(@class,'citation-list')]/li")]
    for css in site.rglob("*.css"):
        if re.search(rb"url\(\s*['\"]?(https?:)?//", css.read_bytes()):
            problems.append(f"{css}: remote url() in style sheet")
    return items, problems


def _clean(el) -> str:
    el = html.fromstring(html.tostring(el))
    for extra in el.xpath('.//a[contains(@class,"headerlink")] | .//span[@class="section-number"]'):
        extra.drop_tree()
    return " ".join(el.text_content().split())


def parity(items: dict, formats: dict[str, str]) -> list[str]:
    problems = []
    squashed = {name: _squash(text) for name, text in formats.items()}
    for kind, texts in items.items():
        for text in texts:
            key = _squash(text)[:60]
            if not key:
                continue
            for name, content in squashed.items():
                if key not in content:
                    problems.append(f"{name}: {kind} missing: {text[:70]!r}")
    return problems


def check_language(dist: Path, build: Path, lang: str) -> list[str]:
    site = dist / "html" / lang
    items, problems = html_items_and_problems(site, lang)
    epub, pdf = dist / f"mlops-handbook-{lang}.epub", dist / f"mlops-handbook-{lang}.pdf"
    reading = load_reading(build / lang / "epub" / "mlops-handbook.epub", epub)
    if reading:
        epub_text = reading["text"]
    else:
        epub_text, epub_problems = epub_text_and_problems(epub, lang)
        problems += epub_problems
    reading = load_reading(build / lang / "latex" / "mlops-handbook.pdf", pdf)
    if reading:
        pdf_text = reading["text"]
        problems += metadata_problems(pdf, reading["title"], reading["author"], _edition(lang))
    else:
        numbered = sum(1 for p in site.glob("*.html")
                       if b'<h1><span class="section-number">' in p.read_bytes())
        pdf_text, pdf_problems = pdf_text_and_problems(
            pdf, lang, build / lang / "latex" / "mlops-handbook.log", numbered, _edition(lang))
        problems += pdf_problems
    if not all(items.values()):
        problems.append(f"{site}: found no {[k for k, v in items.items() if not v]} to compare")
    problems += parity(items, {f"mlops-handbook-{lang}.pdf": pdf_text,
                               f"mlops-handbook-{lang}.epub": epub_text})
    return problems


def _edition(lang: str) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
    import edition_data

    return edition_data.load()[lang]


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in ("all", "pdf", "epub", "html"):
        return gate.usage(__doc__)
    if argv[0] == "all":
        dist, build = Path(argv[1]), Path(argv[2])
        problems = [p for lang in argv[3:] for p in check_language(dist, build, lang)]
        problems += distinct_identifiers([dist / f"mlops-handbook-{lang}.epub" for lang in argv[3:]])
    elif argv[0] == "pdf":
        pdf, lang = Path(argv[1]), argv[2]
        tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
        chapters = len(re.findall(r"^\\chapter\{", tex, re.M))
        # The title and author are compared with the edition in "all"; here
        # (fixture books too) they must only be there.
        text, problems = pdf_text_and_problems(pdf, lang, pdf.with_suffix(".log"), chapters, None)
        if not problems:
            from pypdf import PdfReader

            meta = PdfReader(pdf).metadata
            save_reading(pdf, {"text": text, "title": meta["/Title"], "author": meta["/Author"]})
    elif argv[0] == "epub":
        text, problems = epub_text_and_problems(Path(argv[1]), argv[2])
        if not problems:
            save_reading(Path(argv[1]), {"text": text})
    else:
        problems = html_items_and_problems(Path(argv[1]), argv[2])[1]
    return gate.report(problems, "release gate problem(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
