# A two-page book with the real book's local extensions (importable through
# PYTHONPATH, set by the Makefile) and artifact names.
project = "Libro mínimo"
author = "Pruebas"
language = "es"
extensions = ["myst_parser", "book_fonts", "book_matter", "latex_sourcemap", "label_scheme",
              "open_fence"]
nitpicky = True
label_scheme_exempt = ["index"]
latex_engine = "xelatex"
latex_documents = [("index", "mlops-handbook.tex", project, author, "manual")]
epub_basename = "mlops-handbook"
epub_use_index = False
epub_identifier = epub_uid = "libro-minimo"
version = "1.0"
copyright = "2026, Pruebas"

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
