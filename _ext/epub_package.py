"""The EPUB package as e-readers and EPUBCheck want it.

Sphinx's EPUB 3 builder is kept; this subclass only finishes its package:

* the cover image is marked with the EPUB 3 ``cover-image`` property (Sphinx
  writes only the EPUB 2 ``<meta name="cover">``, which EPUB 3 readers
  ignore),
* each page with MathML (``math_mathml``) is marked with the ``mathml``
  property, which EPUB 3 requires of it,
* EPUB Accessibility metadata (``schema:accessMode`` and friends) from the
  ``epub_accessibility`` setting,
* the archive is reproducible: members in a fixed order, mimetype first and
  stored, every timestamp set from ``SOURCE_DATE_EPOCH``,
* the navigation document's title ("Table of Contents") and the guide's
  titles are in the book's language: Sphinx writes them in English in every
  language,
* every content document declares its language (``lang`` and ``xml:lang``
  on ``<html>``: Sphinx writes neither, so a screen reader reads the text
  with the reading system's voice) and starts with an XML declaration naming
  UTF-8 (Kindle's converter wants it), and the navigation document's
  ``<nav epub:type="toc">`` has the matching ``role="doc-toc"``,
* the book's identifier (``epub_identifier``, a UUID per edition) is also
  the NCX's ``dtb:uid``, as EPUBCheck requires (Sphinx writes the XML id
  ``epub_uid`` there), and the NCX starts with an XML declaration too,
* no ``<dc:contributor>unknown</dc:contributor>``: Sphinx writes its
  placeholder when ``epub_contributor`` is unset (and warns when it is
  empty); the book has no contributor besides its author,
* the themes' files that no page of an EPUB uses are left out
  (UNUSED_THEME_FILES, added to ``epub_exclude_files``), and files in
  ``epub_exclude_files`` are not linked either (the copy button's style
  sheet is registered for every builder, but copying is HTML's).
"""

from __future__ import annotations

import html
import os
import time
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from lxml import etree
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.locale import _

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
# The copy button's files (sphinx_copybutton: copying is HTML's), and the
# basic theme's style sheet (the epub theme's own replaces it) and +/- icons.
# Its file.png stays: the epub theme's style sheet names it.
UNUSED_THEME_FILES = [
    "_static/copybutton.css", "_static/copy-button.svg", "_static/check-solid.svg",
    "_static/basic.css", "_static/minus.png", "_static/plus.png",
]
# Sphinx's placeholder for an unset epub_contributor.
NO_CONTRIBUTOR = ("", "unknown")


def _rewrite(path, edit, doctype: str | None = None) -> None:
    """Parse an XML file that Sphinx wrote, ``edit`` its tree, write it back
    with an XML declaration naming UTF-8."""
    tree = etree.parse(str(path))
    edit(tree)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8", doctype=doctype)


class PackagedEpub3Builder(Epub3Builder):
    name = "epub"
    # The layout writes this before <html>.
    doctype = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>'

    @property
    def html_tag(self) -> str:
        lang = html.escape(self.config.epub_language)
        return ('<html xmlns="http://www.w3.org/1999/xhtml" '
                f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">')

    def add_css_file(self, filename: str, **kwargs) -> None:
        if f"_static/{filename}" not in self.config.epub_exclude_files:
            super().add_css_file(filename, **kwargs)

    def toc_metadata(self, level: int, navpoints: list) -> dict:
        return {**super().toc_metadata(level, navpoints),
                "uid": html.escape(self.config.epub_identifier)}

    def build_toc(self) -> None:
        super().build_toc()
        _rewrite(self.outdir / "toc.ncx", lambda tree: None)

    def build_navigation_doc(self) -> None:
        super().build_navigation_doc()

        def toc_role(tree) -> None:
            for nav in tree.iterfind(f".//{{{XHTML}}}nav"):
                if nav.get(f"{{{OPS}}}type") == "toc":
                    nav.set("role", "doc-toc")

        _rewrite(self.outdir / "nav.xhtml", toc_role, doctype="<!DOCTYPE html>")

    @property
    def guide_titles(self) -> dict[str, str]:
        # Translated when read, in the build's language (Sphinx's are
        # constants); locales/es/LC_MESSAGES/sphinx.po has the Spanish.
        return {"toc": _("Table of Contents"), "cover": _("Cover")}

    def build_content(self) -> None:
        super().build_content()
        path = self.outdir / "content.opf"
        tree = etree.parse(str(path))
        ns = {"opf": OPF}
        cover = self.config.epub_cover[0] if self.config.epub_cover else None
        if cover:
            for item in tree.iterfind(".//opf:manifest/opf:item", ns):
                if item.get("href") == cover:
                    item.set("properties", "cover-image")
        for item in tree.iterfind(".//opf:manifest/opf:item", ns):
            if item.get("media-type") == "application/xhtml+xml" and \
                    _has_mathml(self.outdir / item.get("href")):
                props = (item.get("properties") or "").split()
                item.set("properties", " ".join([*props, "mathml"]))
        metadata = tree.find(".//opf:metadata", ns)
        for contributor in metadata.iterfind(f"{{{DC}}}contributor"):
            if (contributor.text or "").strip() in NO_CONTRIBUTOR:
                metadata.remove(contributor)
        for prop, values in self.config.epub_accessibility.items():
            for value in [values] if isinstance(values, str) else values:
                meta = etree.SubElement(metadata, f"{{{OPF}}}meta", property=prop)
                meta.text = value
        etree.indent(tree, space="  ")
        tree.write(str(path), xml_declaration=True, encoding="UTF-8")

    def build_epub(self) -> None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
        stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot go before 1980
        outname = self.config.epub_basename + ".epub"
        members = ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx",
                   *sorted(self.files)]
        with ZipFile(self.outdir / outname, "w") as epub:
            for name in members:
                info = ZipInfo(name, date_time=stamp)
                info.compress_type = ZIP_STORED if name == "mimetype" else ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                epub.writestr(info, (self.outdir / name).read_bytes())


def _has_mathml(page) -> bool:
    return page.is_file() and etree.parse(str(page)).find(
        ".//{http://www.w3.org/1998/Math/MathML}math") is not None


def exclude_unused_theme_files(app: Sphinx, config) -> None:
    config.epub_exclude_files = [*config.epub_exclude_files, *(
        name for name in UNUSED_THEME_FILES if name not in config.epub_exclude_files)]


def setup(app: Sphinx) -> dict:
    app.add_config_value("epub_accessibility", {}, "epub", types=[dict])
    app.connect("config-inited", exclude_unused_theme_files)
    app.add_builder(PackagedEpub3Builder, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
