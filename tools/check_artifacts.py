"""Release gates over the built artifacts of each edition.

Usage: python tools/check_artifacts.py all DIST_DIR BUILD_DIR LANG...
       python tools/check_artifacts.py pdf FILE.pdf LANG
       python tools/check_artifacts.py epub FILE.epub LANG
       python tools/check_artifacts.py html SITE_DIR LANG

``all`` reads, for each language, ``DIST_DIR/mlops-handbook-<lang>.{pdf,epub}``,
the site ``DIST_DIR/html/<lang>/`` and the LaTeX log in
``BUILD_DIR/<lang>/latex/``; ``pdf``, ``epub`` and ``html`` gate one freshly
built artifact before the Makefile publishes it (the PDF's LaTeX log and
sources are next to it).  Real parsers (pypdf, lxml, zipfile) throughout;
every problem is printed, and the exit status is 1 if there is any.
EPUBCheck and the internal link check run separately (check_epub.py,
check_links.py).

* EPUB: no script, no remote resource, ``dc:language``, the EPUB
  Accessibility metadata, alt text on every image.
* PDF: fonts embedded, one outline entry per chapter, title, author and
  language, A4 pages, internal links that land, no ``??`` left by an
  unresolved reference, no "Missing character" and no overfull box wider
  than OVERFULL_PT in the LaTeX log (the worst are listed).
* HTML: no script, style sheet, font, image or frame from another host;
  ``lang`` on every page.
* Parity: every chapter title, figure caption, glossary term and
  bibliography entry of the HTML edition is in the PDF and in the EPUB.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

from lxml import etree, html

import gate

OVERFULL_PT = 3.0
A4 = (595.28, 841.89)
ACCESSIBILITY = ("schema:accessMode", "schema:accessModeSufficient",
                 "schema:accessibilityFeature", "schema:accessibilityHazard",
                 "schema:accessibilitySummary")
REMOTE = re.compile(r"^(https?:)?//", re.I)


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
        for name in sorted(epub.namelist()):
            data = epub.read(name)
            if name.endswith((".xhtml", ".html")):
                tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
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


# PDF
# ---

def pdf_text_and_problems(path: Path, lang: str, log: Path, chapters: int,
                          expected: dict) -> tuple[str, list[str]]:
    from pypdf import PdfReader

    problems = []
    reader = PdfReader(path)
    meta = reader.metadata or {}
    # expected: the edition's metadata, or None for "any, but present".
    for key, field in (("/Title", "project"), ("/Author", "author")):
        want = expected[field] if expected else None
        if not meta.get(key) or (want and meta.get(key) != want):
            problems.append(f"{path}: {key[1:].lower()} {meta.get(key)!r}"
                            + (f", expected {want!r}" if want else ", expected one"))
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
    text = "\n".join(page.extract_text() for page in reader.pages)
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
    epub_text, epub_problems = epub_text_and_problems(dist / f"mlops-handbook-{lang}.epub", lang)
    numbered = sum(1 for p in site.glob("*.html")
                   if b'<h1><span class="section-number">' in p.read_bytes())
    pdf_text, pdf_problems = pdf_text_and_problems(
        dist / f"mlops-handbook-{lang}.pdf", lang, build / lang / "latex" / "mlops-handbook.log",
        numbered, _edition(lang))
    problems += epub_problems + pdf_problems
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
    elif argv[0] == "pdf":
        pdf, lang = Path(argv[1]), argv[2]
        tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
        chapters = len(re.findall(r"^\\chapter\{", tex, re.M))
        # The title and author are compared with the edition in "all"; here
        # (fixture books too) they must only be there.
        problems = pdf_text_and_problems(pdf, lang, pdf.with_suffix(".log"), chapters, None)[1]
    elif argv[0] == "epub":
        problems = epub_text_and_problems(Path(argv[1]), argv[2])[1]
    else:
        problems = html_items_and_problems(Path(argv[1]), argv[2])[1]
    return gate.report(problems, "release gate problem(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
