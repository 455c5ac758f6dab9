# One page, two diagrams (one inline, one from a file), rendered with the
# real book's diagram extension.
project = "Libro de diagramas"
author = "Pruebas"
language = "es"
extensions = ["myst_parser", "book_fonts", "diagrams"]
nitpicky = True
numfig = True
mermaid_output_format = "svg"
diagram_mermaid_config = {"htmlLabels": False, "flowchart": {"htmlLabels": False},
                          "deterministicIds": True}
latex_engine = "xelatex"
latex_documents = [("index", "mlops-handbook.tex", project, author, "manual")]
epub_basename = "mlops-handbook"
epub_use_index = False
epub_identifier = epub_uid = "libro-diagramas"
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
