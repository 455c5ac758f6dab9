"""Code listings in the book never rot: Python compiles, YAML parses.

The listings are read out of the MyST sources with MyST's own Markdown
parser (the one Sphinx uses for the book), so a listing is exactly what the
reader sees: the body of a ```` ```python ```` / ```` ```yaml ```` fence, or
of a ``{code-block}``/``{code}`` directive without its options (split off
by MyST's directive parser).  Every Python listing is compiled with
``compile()`` and every YAML listing loaded with ``yaml.safe_load``; a
broken one is reported as ``file:line: message``, the line being the line of
the book's source file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from sphinx.directives.code import CodeBlock

from conftest import ROOT

BOOK = ROOT / "book"
LANGUAGES = {"python": "python", "py": "python", "python3": "python",
             "yaml": "yaml", "yml": "yaml"}
# The MyST extensions conf.py enables that change how fences are tokenised.
PARSER = create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist"}),
                          RendererHTML)


@dataclass
class Listing:
    path: Path
    line: int      # line of the listing's first line of code in ``path`` (1-based)
    language: str  # "python" or "yaml"
    code: str


def listings(path: Path) -> list[Listing]:
    """The Python and YAML listings of one MyST file."""
    found = []
    for token in PARSER.parse(path.read_text(encoding="utf-8")):
        if token.type not in ("fence", "colon_fence") or token.map is None:
            continue
        info = token.info.strip()
        first_code_line = token.map[0] + 2  # the fence is on line map[0] + 1
        if info.startswith(("{code-block}", "{code}", "{sourcecode}")):
            argument = info.partition("}")[2].strip()
            parsed = parse_directive_text(CodeBlock, argument, token.content,
                                          line=token.map[0] + 1)
            language = parsed.arguments[0] if parsed.arguments else ""
            code = "\n".join(parsed.body)
            first_code_line += parsed.body_offset
        else:
            language, code = info.split()[0] if info else "", token.content
        if language.lower() in LANGUAGES:
            found.append(Listing(path, first_code_line, LANGUAGES[language.lower()], code))
    return found


def problems(listing: Listing) -> list[str]:
    """``file:line: message`` for a listing that does not compile or parse."""
    where = listing.path.relative_to(ROOT) if listing.path.is_relative_to(ROOT) else listing.path
    if listing.language == "python":
        try:
            compile(listing.code, str(where), "exec")
        except SyntaxError as error:
            line = listing.line + (error.lineno or 1) - 1
            return [f"{where}:{line}: Python listing does not compile: {error.msg}"]
    else:
        try:
            yaml.safe_load(listing.code)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = listing.line + (mark.line if mark else 0)
            reason = getattr(error, "problem", None) or str(error)
            return [f"{where}:{line}: YAML listing does not parse: {reason}"]
    return []


def book_listings() -> list[Listing]:
    return [item for page in sorted(BOOK.glob("*.md")) for item in listings(page)]


def test_every_listing_of_the_book_compiles_or_parses():
    found = book_listings()
    languages = {item.language for item in found}
    assert languages == {"python", "yaml"}, f"expected Python and YAML listings, found {languages}"
    assert len(found) >= 8, f"only {len(found)} listings found"
    reported = [message for item in found for message in problems(item)]
    assert not reported, "\n".join(reported)


def test_listing_lines_point_at_the_source():
    """The first code line of each listing is the line reported for it."""
    for item in book_listings():
        source = item.path.read_text(encoding="utf-8").splitlines()
        assert source[item.line - 1] == item.code.splitlines()[0], (item.path, item.line)


BROKEN = """\
# Un capítulo

Texto.

```{code-block} python
:caption: Un listado roto.
:name: code-roto

def ok():
    return 1

def broken(:
    pass
```

```yaml
jobs:
  test:
    name: a: b
```

```python
print("fine")
```
"""


@pytest.mark.parametrize("language, line, message", [
    ("python", 12, "Python listing does not compile"),
    ("yaml", 19, "YAML listing does not parse"),
])
def test_a_broken_listing_is_reported_with_file_and_line(tmp_path, language, line, message):
    page = tmp_path / "roto.md"
    page.write_text(BROKEN, encoding="utf-8")
    found = listings(page)
    assert [item.language for item in found] == ["python", "yaml", "python"]
    reported = [m for item in found if item.language == language for m in problems(item)]
    assert len(reported) == 1, reported
    assert reported[0].startswith(f"{page}:{line}: {message}"), reported[0]
    assert BROKEN.splitlines()[line - 1].strip() in ("def broken(:", "name: a: b")
