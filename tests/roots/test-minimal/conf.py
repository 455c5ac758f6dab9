# A two-page book with the real book's local extensions (importable through
# PYTHONPATH, set by the Makefile) and artifact names.
project = "Libro mínimo"
author = "Pruebas"
language = "es"
extensions = ["myst_parser", "book_matter", "latex_sourcemap", "label_scheme"]
nitpicky = True
label_scheme_exempt = ["index"]
latex_engine = "xelatex"
latex_documents = [("index", "mlops-handbook.tex", project, author, "manual")]
epub_basename = "mlops-handbook"
epub_use_index = False
epub_identifier = epub_uid = "libro-minimo"
version = "1.0"
copyright = "2026, Pruebas"
