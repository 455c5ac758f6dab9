# A book with one citation, one bibliography and one glossary term: the
# bibliography and glossary checks of the real book, on the smallest input.
project = "Libro de referencias"
author = "Pruebas"
version = "1.0"
copyright = "2026, Pruebas"
language = "es"
extensions = ["myst_parser", "book_fonts", "sphinxcontrib.bibtex", "bibliography_style",
              "bibliography_check", "glossary_check", "label_scheme"]
nitpicky = True
label_scheme_exempt = ["index"]
bibtex_bibfiles = ["refs.bib"]
latex_engine = "xelatex"
latex_documents = [("index", "mlops-handbook.tex", project, author, "manual")]
epub_basename = "mlops-handbook"
epub_use_index = False
epub_identifier = epub_uid = "libro-referencias"

# What the release gates (tools/check_artifacts.py, Ace by DAISY) require of
# every published PDF and EPUB: A4, a document language, accessibility
# metadata, markup that assistive technology reads right.
extensions += ["epub_package", "accessible_markup"]
epub_accessibility = {
    "dcterms:conformsTo": ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"],
    "schema:accessMode": ["textual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": ["structuralNavigation"],
    "schema:accessibilityHazard": ["none"],
    "schema:accessibilitySummary": ["Texto estructurado."],
}
latex_elements = {"papersize": "a4paper", "preamble": r"\hypersetup{pdflang={es-ES}}"}
