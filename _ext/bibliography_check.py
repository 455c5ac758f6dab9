"""Checks on the bibliography, reported as build warnings with file and line.

For every ``.bib`` file in ``bibtex_bibfiles``:

* keys are unique and follow ``<author-or-organisation>-<topic>`` (lowercase
  ASCII words joined by hyphens),
* each entry type has its required fields (``BIB_REQUIRED``),
* URLs are absolute ``https`` URLs, DOIs look like DOIs,
* no two entries share a URL or a DOI,
* every entry is cited at least once in the book.

A citation of a key that does not exist is already a sphinxcontrib-bibtex
warning (``bibtex.key_not_found``).  The .bib file is parsed with pybtex;
the source is scanned only to give each entry its line number.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pybtex.errors
from pybtex.database import parse_string
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
ENTRY_START = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)

# Each item is a field, or a tuple of fields of which one is enough.
BIB_REQUIRED = {
    "online": ["title", ("author", "organization"), ("year", "date"), "url", "urldate"],
    "article": ["author", "title", "journal", "year", ("volume", "pages", "doi")],
    "inproceedings": ["author", "title", "booktitle", "year"],
    "book": [("author", "editor"), "title", "publisher", "year"],
    "misc": ["title", ("author", "organization"), ("year", "date")],
}


def _lines(text: str) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = {}
    for m in ENTRY_START.finditer(text):
        if m[1].lower() in ("comment", "preamble", "string"):
            continue
        lines.setdefault(m[2], []).append(text.count("\n", 0, m.start(2)) + 1)
    return lines


def check_bibfile(path: Path, cited: set[str]) -> list[tuple[int, str]]:
    """Problems of one .bib file as (line, message), line 0 for the file."""
    text = path.read_text(encoding="utf-8")
    problems: list[tuple[int, str]] = []
    lines = _lines(text)
    for key, where in lines.items():
        for line in where[1:]:
            problems.append((line, f"duplicate bibliography key {key!r} (first at line {where[0]})"))
    with _lenient():  # duplicates are reported above, with their lines
        try:
            data = parse_string(text, "bibtex")
        except Exception as exc:  # pybtex reports syntax errors with a line
            return problems + [(0, f"cannot parse: {exc}")]
    seen_url: dict[str, str] = {}
    seen_doi: dict[str, str] = {}
    for key, entry in data.entries.items():
        line = lines.get(key, [0])[0]
        fields = {k.lower() for k in entry.fields} | {r.lower() for r in entry.persons}
        if not KEY.match(key):
            problems.append((line, f"key {key!r} does not follow the scheme "
                                   "<author-or-organisation>-<topic> (lowercase, hyphens)"))
        required = BIB_REQUIRED.get(entry.type.lower())
        if required is None:
            problems.append((line, f"{key}: entry type @{entry.type} is not one of "
                                   f"{', '.join('@' + t for t in BIB_REQUIRED)}"))
            required = []
        for need in required:
            options = need if isinstance(need, tuple) else (need,)
            if not fields & set(options):
                problems.append((line, f"{key}: @{entry.type} entry lacks required field "
                                       f"{' or '.join(options)}"))
        url = entry.fields.get("url")
        if url is not None:
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.netloc or " " in url:
                problems.append((line, f"{key}: malformed URL {url!r} (expected https://host/...)"))
            elif url in seen_url:
                problems.append((line, f"{key}: URL also used by {seen_url[url]!r}"))
            seen_url.setdefault(url, key)
        doi = entry.fields.get("doi")
        if doi is not None:
            if not DOI.match(doi):
                problems.append((line, f"{key}: malformed DOI {doi!r} (expected 10.NNNN/...)"))
            elif doi.lower() in seen_doi:
                problems.append((line, f"{key}: DOI also used by {seen_doi[doi.lower()]!r}"))
            seen_doi.setdefault(doi.lower(), key)
        if key not in cited:
            problems.append((line, f"bibliography entry {key!r} is never cited"))
    return problems


class _lenient:
    def __enter__(self):
        self.saved = pybtex.errors.strict
        pybtex.errors.set_strict_mode(False)

    def __exit__(self, *exc):
        pybtex.errors.set_strict_mode(self.saved)


def check_consistency(app: Sphinx, env) -> None:
    domain = env.get_domain("cite")
    cited = {target.key for ref in domain.citation_refs for target in ref.targets}
    for name in app.config.bibtex_bibfiles:
        path = Path(app.confdir, name)
        for line, message in check_bibfile(path, cited):
            # A plain "file:line" string: a (docname, line) tuple would be
            # taken for a document of the book.
            logger.warning(message, location=f"{path}:{line}" if line else str(path),
                           type="bibliography_check")


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.bibtex")
    app.connect("env-check-consistency", check_consistency)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
