"""The fonts of the printed book, for the handbook and its fixture books alike.

Sphinx's default XeLaTeX fonts (FreeSerif, FreeSans, FreeMono) come from no
package that ``make`` installs; every book built here, the tests' tiny ones
included, takes these instead, so there is one list of fonts to install
(``tools/system_deps.py`` probes each file).  A ``fontpkg`` set in
``latex_elements`` still wins.

TeX Gyre (Debian: fonts-texgyre) covers Spanish and English; DejaVu Sans
Mono (fonts-dejavu-core) has every glyph that code samples may need.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

FONTPKG = r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}[Scale=MatchLowercase]
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
"""


def _set_fonts(app: Sphinx, config: Config) -> None:
    config.latex_elements = {"fontpkg": FONTPKG, **config.latex_elements}


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _set_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
