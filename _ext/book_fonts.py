"""The fonts of the printed book, for the handbook and its fixture books alike.

Sphinx's default XeLaTeX fonts (FreeSerif, FreeSans, FreeMono) come from no
package that ``make`` installs; every book built here, the tests' tiny ones
included, takes these instead, so there is one list of fonts to install
(``tools/system_deps.py`` probes each file).  A ``fontpkg`` set in
``latex_elements`` still wins.

TeX Gyre (Debian: fonts-texgyre) covers Spanish and English; DejaVu Sans
Mono (fonts-dejavu-core) has the Latin, Greek and Cyrillic letters, arrows
and math symbols that code samples may need.

Whatever the main fonts lack goes through a fallback chain, font by Unicode
block (ucharclasses, from texlive-xetex, switches the font where a run of
such characters starts and ends): Greek and Cyrillic in Noto Serif
(fonts-noto-core), Chinese, Japanese and Korean in Noto Serif CJK
(fonts-noto-cjk; its JP face: XeTeX embeds the first face of the font
collection whichever is asked for, so the SC face cannot be had), arrows
and math symbols that TeX Gyre Pagella lacks in DejaVu Sans, emoji and other
pictographs in Symbola (fonts-symbola: a colour emoji font has bitmaps,
which XeTeX cannot set).  Code keeps DejaVu Sans Mono where it has the
glyph.  A character that no font of the chain has still fails the build
(``tools/latex_run.py`` reads "Missing character" in the log).
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

FONTPKG = r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}[Scale=MatchLowercase]
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""" + r"""
\newfontfamily\mlopsfallbacktext{Noto Serif}[Scale=MatchLowercase]
\newfontfamily\mlopsfallbackcjk{Noto Serif CJK JP}[Scale=MatchLowercase]
\newfontfamily\mlopsfallbacksymbols{DejaVu Sans}[Scale=MatchLowercase]
\newfontfamily\mlopsfallbackemoji{Symbola}[Scale=MatchLowercase]
\usepackage[BLOCKS]{ucharclasses}
\makeatletter
% Switch to fallback font #2 (in code, only if #1 is \relax: the mono font
% has the others) and back to the family of the text around it where the
% run ends.  A run broken by spaces enters again without leaving: the
% family is saved on the first entry only.
\newif\ifmlops@fb
\newcommand\mlops@fallback[2]{%
  \ifmlops@fb\else\edef\mlops@family{\f@family}\fi
  \edef\@tempa{\ttdefault}%
  \ifx\mlops@family\@tempa\ifx#1\relax\mlops@fbtrue#2\fi\else\mlops@fbtrue#2\fi}
\newcommand\mlops@back{\ifmlops@fb\mlops@fbfalse\fontfamily{\mlops@family}\selectfont\fi}
% ucharclasses' own \setTransitionsFor fires only next to spaces and the
% other loaded blocks, not next to ordinary characters (class 0: Latin,
% punctuation), so a run ending in "." would never switch back.  Every
% entry into block #1 goes back first, then to #2; every exit goes back.
\newcommand\mlops@block[2]{%
  \XeTeXinterchartoks\z@\csname #1Class\endcsname={\mlops@back#2}%
  \XeTeXinterchartoks\@ucharclass@boundary\csname #1Class\endcsname={\mlops@back#2}%
  \XeTeXinterchartoks\csname #1Class\endcsname\z@={\mlops@back}%
  \XeTeXinterchartoks\csname #1Class\endcsname\@ucharclass@boundary={\mlops@back}}
BLOCKS_SET
% Symbols the main font has stay in it: only the missing ones fall back.
\begingroup\normalfont
SYMBOL_RANGES\endgroup
% From one loaded block straight into another: enter the second.
\@tempcnta\@classstart
\@whilenum\@tempcnta<\@classend\do{\advance\@tempcnta\@ne
  \@tempcntb\@classstart
  \@whilenum\@tempcntb<\@classend\do{\advance\@tempcntb\@ne
    \XeTeXinterchartoks\@tempcnta\@tempcntb=\expandafter{\the\XeTeXinterchartoks\z@\@tempcntb}}}
\makeatother
"""


# Unicode blocks (ucharclasses' names, with their ranges) whose characters
# come from DejaVu Sans outside code where TeX Gyre Pagella lacks them...
SYMBOL_BLOCKS = {"Arrows": (0x2190, 0x21FF), "SupplementalArrowsA": (0x27F0, 0x27FF),
                 "SupplementalArrowsB": (0x2900, 0x297F),
                 "MiscellaneousSymbolsAndArrows": (0x2B00, 0x2BFF),
                 "MathematicalOperators": (0x2200, 0x22FF),
                 "SupplementalMathematicalOperators": (0x2A00, 0x2AFF),
                 "LetterlikeSymbols": (0x2100, 0x214F), "MiscellaneousTechnical": (0x2300, 0x23FF),
                 "GeometricShapes": (0x25A0, 0x25FF), "BoxDrawing": (0x2500, 0x257F)}
# ... and in Symbola everywhere.
EMOJI_BLOCKS = ["MiscellaneousSymbols", "Dingbats", "Emoticons", "OrnamentalDingbats",
                "MiscellaneousSymbolsAndPictographs", "TransportAndMapSymbols",
                "SupplementalSymbolsAndPictographs", "SymbolsAndPictographsExtendedA",
                "SupplementalArrowsC"]
TEXT_BLOCKS = ["GreekAndCoptic", "GreekExtended", "Cyrillic", "CyrillicSupplement",
               "CyrillicExtendedA", "CyrillicExtendedB", "CyrillicExtendedC"]
CJK_BLOCKS = ["CJKUnifiedIdeographs", "CJKUnifiedIdeographsExtensionA",
              "CJKSymbolsAndPunctuation", "CJKCompatibilityIdeographs", "Hiragana", "Katakana",
              "HangulSyllables", "HangulJamo", "HangulCompatibilityJamo",
              "HalfwidthAndFullwidthForms", "Bopomofo"]
# Which fallback each block takes; \relax: in code too (the mono font
# lacks them), \empty: outside code only.
CHAIN = ([(b, r"\empty\mlopsfallbacktext") for b in TEXT_BLOCKS]
         + [(b, r"\relax\mlopsfallbackcjk") for b in CJK_BLOCKS]
         + [(b, r"\empty\mlopsfallbacksymbols") for b in SYMBOL_BLOCKS]
         + [(b, r"\relax\mlopsfallbackemoji") for b in EMOJI_BLOCKS])
KEEP_IN_MAIN_FONT = "".join(
    rf"\@tempcnta={first}\@whilenum\@tempcnta<{last + 1}\do{{\iffontchar\font\@tempcnta"
    r"\global\XeTeXcharclass\@tempcnta\z@\fi\advance\@tempcnta\@ne}" "\n"
    for first, last in SYMBOL_BLOCKS.values())
FONTPKG = (FONTPKG.replace("BLOCKS]", ", ".join(b for b, _ in CHAIN) + "]")
           .replace("SYMBOL_RANGES", KEEP_IN_MAIN_FONT)
           .replace("BLOCKS_SET", "\n".join(
               rf"\mlops@block{{{b}}}{{\mlops@fallback{font}}}" for b, font in CHAIN)))


def _set_fonts(app: Sphinx, config: Config) -> None:
    config.latex_elements = {"fontpkg": FONTPKG, **config.latex_elements}


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _set_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
