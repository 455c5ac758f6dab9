# One chapter with every construct an author writes (code, math, tables,
# admonitions, footnotes, lists, images, any script), built with the real
# book's local extensions and the settings of conf.py that concern them
# (test_constructs.py checks that these settings match the book's).
project = "Libro de construcciones"
author = "Pruebas"
language = "es"
extensions = ["myst_parser", "book_fonts", "book_matter", "latex_sourcemap", "label_scheme",
              "open_fence", "glossary_check", "math_mathml", "equation_refs", "image_alt",
              "construct_layout", "epub_code",
              "sphinx_copybutton"]
nitpicky = True
numfig = True
numfig_secnum_depth = 1
label_scheme_exempt = ["index"]

# The same as the book's conf.py.
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath"]
copybutton_selector = "div.highlight pre, div.citation-bibtex pre"
html_math_renderer = "mathml"
gettext_additional_targets = ["image"]

latex_engine = "xelatex"
latex_documents = [("index", "mlops-handbook.tex", project, author, "manual")]
epub_basename = "mlops-handbook"
epub_use_index = False
epub_identifier = epub_uid = "libro-construcciones"
version = "1.0"
copyright = "2026, Pruebas"

# What the release gates (tools/check_artifacts.py, Ace by DAISY) require of
# every published PDF and EPUB: A4, a document language, accessibility
# metadata, markup that assistive technology reads right.
extensions += ["epub_package", "accessible_markup"]
epub_accessibility = {
    "dcterms:conformsTo": ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"],
    "schema:accessMode": ["textual", "visual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": ["structuralNavigation", "alternativeText", "MathML"],
    "schema:accessibilityHazard": ["none"],
    "schema:accessibilitySummary": ["Texto estructurado con fórmulas en MathML."],
}
latex_elements = {"papersize": "a4paper", "preamble": r"\hypersetup{pdflang={es-ES}}"}
