# One page, two diagrams (one inline, one from a file), rendered with the
# real book's diagram extension.
project = "Libro de diagramas"
author = "Pruebas"
language = "es"
extensions = ["myst_parser", "diagrams"]
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
