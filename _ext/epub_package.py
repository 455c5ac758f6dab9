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
  language.
"""

from __future__ import annotations

import os
import time
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from lxml import etree
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.locale import _

OPF = "http://www.idpf.org/2007/opf"


class PackagedEpub3Builder(Epub3Builder):
    name = "epub"

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
        for prop, values in self.config.epub_accessibility.items():
            for value in [values] if isinstance(values, str) else values:
                meta = etree.SubElement(metadata, f"{{{OPF}}}meta", property=prop)
                meta.text = value
        etree.indent(tree, space="  ")
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

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


def setup(app: Sphinx) -> dict:
    app.add_config_value("epub_accessibility", {}, "epub", types=[dict])
    app.add_builder(PackagedEpub3Builder, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
