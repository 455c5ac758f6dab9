# A book whose navigation has what the real one may grow into: captions, a
# numbered toctree, a hidden one, nested chapters, a subfolder, an external
# link and inline markup in a title.  tests/test_performance.py builds it
# with the theme's sidebar and with book-nav.html and compares them.
from pathlib import Path

import sidebar_nav  # _ext/ is on PYTHONPATH (set by the Makefile)

project = "Navegación"
author = "Pruebas"
language = "es"
extensions = ["myst_parser", "sidebar_nav"]
nitpicky = True
html_theme = "sphinx_book_theme"
templates_path = [str(Path(sidebar_nav.__file__).parent.parent / "_templates")]
html_sidebars = {
    "**": ["book-nav.html"],  # -D sidebar_nav_stock=1: the theme's sbt-sidebar-nav.html
}
html_theme_options = {"show_navbar_depth": 1, "home_page_in_toc": True, "check_switcher": False}
