# Another Sphinx project that links to the handbook through intersphinx, as
# the README shows; the inventory is the built one (path in MLOPS_INVENTORY).
import os

project = "Documentación interna"
extensions = ["myst_parser", "sphinx.ext.intersphinx"]
intersphinx_mapping = {
    "mlops": ("https://example.org/mlops-handbook/es/", os.environ["MLOPS_INVENTORY"]),
}
nitpicky = True
