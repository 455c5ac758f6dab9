"""Sphinx configuration for the MLOps handbook.

The sources live in ``book/`` and this file at the repository root, so every
build is ``sphinx-build -c . book <outdir>``.  Paths below that Sphinx resolves
from the *config* folder (``html_static_path``, ``latex_additional_files``,
``templates_path``) start at the root; paths it resolves from the *source*
folder (``locale_dirs``) start at ``book/``.

Language-dependent values (title, author, dates, LaTeX strings, cover) live
in ``locales/editions.toml`` and are applied by ``_ext/edition_config.py``,
because ``-D language=en`` is applied after this file has run.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "_ext"))

_PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# Project information
# -------------------

# The release comes from one place, pyproject.toml.
release = _PYPROJECT["project"]["version"]
version = ".".join(release.split(".")[:2])


# General configuration
# ---------------------

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    # Local extensions, one feature each, in _ext/.
    "edition_config",
    "book_fonts",
    "book_matter",
    "latex_sourcemap",
    "accessible_markup",
    "label_scheme",
    "open_fence",
    "epub_package",
    "bibliography_style",
    "bibliography_check",
    "glossary_check",
    "diagrams",
    "edition_notice",
    "translated_glossary",
    "stable_index_ids",
    "language_links",
    "chapter_citation",
    "pdf_destinations",
    "anchor_redirects",
    "interface_words",
    "sidebar_nav",
    "search_index_entries",
    # What authors write beyond prose: math as MathML in HTML and EPUB,
    # alt text on every image, code, tables, URLs and SVG laid out for
    # print and e-readers (loads sphinxcontrib.rsvgconverter), the EPUB's
    # uncoloured code without a span per token.
    "math_mathml",
    "equation_refs",
    "image_alt",
    "construct_layout",
    "epub_code",
    "table_cell_sources",
    "sphinx_copybutton",
]

# Where the HTML editions are published (https://host/path, without the
# language): chapter citations, citation_* meta tags and canonical links use
# it.  Unset, citations carry no URL at all.
citation_base_url = os.environ.get("HANDBOOK_BASE_URL", "").rstrip("/")

# published_languages (the editions whose HTML links to each other) is the
# list of editions in locales/editions.toml (edition_config).

language = "es"
root_doc = "index"
exclude_patterns = []
templates_path = ["_templates"]

# Every reference must resolve: unresolved ones are warnings, and -W makes
# them errors.
nitpicky = True

# Documents that are not chapters and need no cap-/sec- labels.
label_scheme_exempt = ["index"]

# Dates in the book come from SOURCE_DATE_EPOCH (set by the Makefile from the
# last commit), so two builds of one commit print the same date; the format
# (today_fmt) is the edition's (edition_config).

# Figures are numbered per chapter (Figura 3.1) in every format; {numref}
# prints the number.  The word comes from the edition (edition_config).
numfig = True
numfig_secnum_depth = 1

# Diagrams (see _ext/diagrams.py)
# --------------------------------

# Mermaid renders at build time, Mermaid's own package (package-lock.json) in
# Debian's Chromium (_ext/diagram_renderer.py); sphinxcontrib-mermaid's
# client-side mode would load mermaid.js from a CDN, so it stays off.
mermaid_output_format = "svg"
# Debian's chromium-headless-shell, the checkers' browser too: the same
# Chromium built for automation, which renders the same SVG bytes with less
# work than the full browser (about 1.5 s less CPU per edition); or another
# build of it (make CHROMIUM=/path).
diagram_chromium = os.environ.get("CHROMIUM") or "/usr/bin/chromium-headless-shell"
diagram_png_scale = 3  # EPUB PNGs at 3x the on-screen size (~288 dpi)
# The editions that this run builds (the Makefile says which): their
# translated diagrams are rendered in one page, by whichever build starts
# Chromium first.
diagram_languages = os.environ.get("DIAGRAM_LANGUAGES", "").split()
diagram_mermaid_config = {
    "theme": "neutral",
    # Text as SVG <text>, not HTML in <foreignObject>, which many SVG
    # renderers (and e-readers) drop.
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False, "curve": "basis", "useMaxWidth": False,
                  # Room for a subgraph's title inside its frame.
                  "subGraphTitleMargin": {"top": 6, "bottom": 6},
                  "nodeSpacing": 30, "rankSpacing": 32, "wrappingWidth": 180},
    # DejaVu Sans is what the text is measured with (fonts-dejavu-core);
    # Verdana has nearly the same metrics where DejaVu is not installed.
    "themeVariables": {"fontFamily": "DejaVu Sans, Verdana, sans-serif",
                       "fontSize": "15px"},
    # Same source, same bytes: fixed ids, and a fixed seed for the shapes
    # that Mermaid draws with random jitter (the stadium of nivel-1).
    "deterministicIds": True,
    "handDrawnSeed": 1,
}

# MyST
# ----

# dollarmath: $...$ and $$...$$ (eq-label); amsmath: \begin{align*} etc.
# as display math; deflist: "Term" / ": definition" lists (the glossary is
# the {glossary} directive of glosario.md, not these).
myst_enable_extensions = [
    "amsmath",
    "colon_fence",
    "deflist",
    "dollarmath",
]
# Labels are explicit (cap-*/sec-*); slug anchors would depend on the title
# text and change with the language.
myst_heading_anchors = 0

# Options for HTML output
# -----------------------

html_theme = "sphinx_book_theme"
# html_title: the edition's short title (edition_config).
# Served from _static/html; the covers are published too (EPUB needs them).
html_static_path = ["_static/html", "_static/cover"]
html_css_files = ["handbook.css"]
# The book theme's sidebar plus the downloads and the language switcher
# (_templates/).  book-nav.html is the theme's sbt-sidebar-nav.html with the
# navigation written by _ext/sidebar_nav.py: the theme's own takes time
# quadratic in the number of pages (-D sidebar_nav_stock=1 puts it back).
html_sidebars = {
    "**": ["navbar-logo.html", "search-button-field.html", "book-nav.html",
           "downloads.html", "language-switcher.html"],
}
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "show_toc_level": 2,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    # pydata-sphinx-theme would otherwise ask a server for a version list.
    "check_switcher": False,
    # pydata-sphinx-theme 0.20 fills the top bar with a second search field
    # unless this is set; the book theme means it to be empty (the sidebar
    # has the search field, the article header the sidebar toggle).
    "navbar_persistent": [],
}

# Public anchors (chapters, sections, figures, glossary terms) and renamed
# documents, checked by `make check`; the HTML builds write a redirect page
# for each renamed document (see _ext/anchor_redirects.py; tools/check_anchors.py checks).
anchors_manifest = "book/anchors.json"

# Copy buttons on code blocks and on the chapters' BibTeX citations
# (chapter_citation); line numbers and prompts are not copied (the
# extension's default copybutton_exclude).
copybutton_selector = "div.highlight pre, div.citation-bibtex pre"
# Math is MathML made while writing (_ext/math_mathml.py), not MathJax,
# which would load from a CDN (and e-readers do not run it).
html_math_renderer = "mathml"

# Options for LaTeX output
# ------------------------

latex_engine = "xelatex"
# 'book' (not the default 'report') gives \frontmatter, \mainmatter and
# \backmatter, which book_matter uses to number only the chapters.
latex_docclass = {"manual": "book"}
# latex_documents (index -> mlops-handbook.tex, with the edition's title and
# author) is set by edition_config.
latex_additional_files = ["_static/latex/mlopsbook.sty"]
# The chapters link outside only through citations, and the references
# print their URLs in full: footnotes would repeat every URL.
latex_show_urls = "no"
latex_show_pagerefs = False
latex_domain_indices = False
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # The fonts ("fontpkg") come from _ext/book_fonts.py.
    # The stock Bjarne chapter heads look dated; mlopsbook.sty styles them.
    "fncychap": "",
    "preamble": r"\usepackage{mlopsbook}",  # completed per edition (edition_config)
    "maketitle": r"\mlopsmaketitle",
    # Table of contents in the front matter (roman page numbers); the first
    # chapter starts \mainmatter (see book_matter).
    "tableofcontents": r"\frontmatter\mlopstableofcontents",
    # Figures may float, but the diagrams are large: let them share a page
    # with text (the float fractions are in mlopsbook.sty).
    "figure_align": "!htbp",
    "sphinxsetup": "TitleColor={rgb}{0.05,0.25,0.45}, InnerLinkColor={rgb}{0.05,0.25,0.45}",
}

# Front, main and back matter of the printed book (see _ext/book_matter.py).
book_matter = {
    "que-es-mlops": "mainmatter",
    "lecturas-recomendadas": "backmatter",
}

# Options for EPUB output
# -----------------------

epub_basename = "mlops-handbook"
epub_theme = "epub"
epub_tocdepth = 3
# As in the PDF: the references print every URL in full, and "footnote"
# adds an empty "Footnotes" heading to pages without external links.
epub_show_urls = "no"
# The general index page is not valid XHTML for EPUBCheck.
# https://github.com/sphinx-doc/sphinx/issues/12359
epub_use_index = False
# The identifier (epub_identifier) is a UUID per edition, the same in every
# build and release of it, so that a reading system's library never takes
# one edition for the other (edition_config); epub_uid is only the XML id of
# that element.
epub_scheme = "uuid"
epub_uid = "book-id"
# The themes' files that no page of the EPUB uses (the copy button's, the
# basic theme's style sheet and icons) are left out by epub_package, the
# other editions' covers by edition_config: tools/check_artifacts.py fails
# on any unused file.
# EPUB Accessibility 1.1 metadata, written into content.opf by epub_package.
# The conformance claim holds because Ace by DAISY finds no violation in
# either edition before it is published (tools/check_ace.py).
epub_accessibility = {
    "dcterms:conformsTo": ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"],
    "schema:accessMode": ["textual", "visual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": ["structuralNavigation", "tableOfContents",
                                    "readingOrder", "alternativeText"],
    "schema:accessibilityHazard": ["none"],
    # a11y:certifiedBy (the edition's author) and accessibilitySummary: the
    # edition's, set by edition_config.
}

# Options for internationalisation
# --------------------------------

# Absolute, because Sphinx resolves it from the source folder, which the
# tests and the benchmark move elsewhere (SOURCEDIR).
locale_dirs = [str(ROOT / "locales")]
gettext_compact = False
gettext_uuid = False
gettext_location = True
# The alt text of images is translated like any text (diagrams' alt texts
# go through the catalogs by _ext/diagrams.py).
gettext_additional_targets = ["image"]

# sphinxcontrib-bibtex
# --------------------

# Resolved from the config folder (the root), unlike locale_dirs.
bibtex_bibfiles = ["book/referencias.bib"]
# Both replaced per language by bibliography_style (mlops-<lang>,
# author-year-<lang>): Spanish "y", "Consultado el ...", month names.
bibtex_default_style = "mlops-es"
bibtex_reference_style = "author-year-es"
