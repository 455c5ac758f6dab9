"""Spell-check the Spanish text and the translations with hunspell.

Usage: python tools/check_spelling.py POT_DIR LOCALE_DIR LANG...

The Spanish text is read from the message templates in POT_DIR (exactly
the prose Sphinx translates, with its source file and line); each LANG
from its catalogs.  Markup is removed first: role targets, citation keys,
labels, URLs and inline code are not prose.  Words that the Debian
dictionaries lack but the book uses on purpose (product names, acronyms,
English terms in the Spanish text) are listed one per line in
``LOCALE_DIR/wordlist.<lang>.txt``.

Each unknown word is printed as ``<file>:<line>: <lang>: unknown word
'<word>'`` and the exit status is 1 if there is any.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

import gate

#: hunspell dictionaries per language (Debian: hunspell-es, hunspell-en-us).
#: The book's Spanish mixes Spain (monitorización) and Latin America
#: (computadora), both standard; either dictionary accepts a word.
DICTIONARIES = {"es": "es_ES,es_MX", "en": "en_US"}

ROLE = re.compile(r"\{([a-z]+(?::[a-z]+)?)\}`([^`]*)`")
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
# Two words of running text: what a display formula's message lacks.
RUNNING_TEXT = re.compile(r"[^\W\d_]{3,}\s+[^\W\d_]{3,}")


def prose(text: str) -> str:
    """The words a reader sees, without markup, targets, keys, URLs or math."""
    if TEX_COMMAND.search(text) and not RUNNING_TEXT.search(TEX_COMMAND.sub(" ", text)):
        return ""  # a display formula ({math} block), TeX not words
    text = re.sub(r"\$\$.*?\$\$|\$[^$]+\$", " ", text, flags=re.S)  # inline math
    def role(match):
        name, body = match.groups()
        if name in ("cite", "cite:p", "cite:t", "doc", "math", "eq"):
            return " "
        if name == "numref":
            return " "
        shown = re.sub(r"\s*<[^<>]+>\s*$", "", body)
        if name == "ref" and shown == body:  # {ref}`label` shows the target's title
            return " "
        return " " + shown.replace("%s", " ") + " "
    text = ROLE.sub(role, text)
    text = re.sub(r"`[^`]*`", " ", text)                 # inline code
    text = re.sub(r"\]\([^)]*\)", "] ", text)           # link targets
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"[*_#>|\[\]]", " ", text)            # emphasis, tables, links
    return " ".join(text.split())


def hunspell(lines: list[str], lang: str, wordlist: Path) -> list[list[str]]:
    """Unknown words of each line, through one ``hunspell -a`` process."""
    if not shutil.which("hunspell"):
        raise SystemExit("hunspell not found: install the Debian packages hunspell, "
                         "hunspell-es and hunspell-en-us ('make system-deps')")
    cmd = ["hunspell", "-a", "-i", "utf-8", "-d", DICTIONARIES[lang]]
    if wordlist.exists():
        cmd += ["-p", str(wordlist)]
    # "^" makes hunspell read each line as text, never as a command.
    stdin = "".join(f"^{line}\n" for line in lines)
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True).stdout
    # The first line is hunspell's banner; then, for each input line, one
    # line per word and an empty line (only the empty line when the input
    # has no words, such as "0").
    result, current = [], []
    for ln in out.splitlines()[1:]:
        if not ln:
            result.append(current)
            current = []
        elif ln[0] in "&#":
            current.append(ln.split()[1])
    return result[: len(lines)]


def _check(items: list[tuple[str, str]], lang: str, wordlist: Path) -> list[str]:
    problems = []
    unknown = hunspell([prose(text) for _, text in items], lang, wordlist)
    for (where, _), words in zip(items, unknown):
        for word in dict.fromkeys(words):
            problems.append(f"{where}: {lang}: unknown word {word!r}")
    return problems


def source_items(pot_dir: Path) -> list[tuple[str, str]]:
    items = []
    for pot in sorted(pot_dir.rglob("*.pot")):
        for entry in polib.pofile(str(pot)):
            if entry.msgid:
                file, line = entry.occurrences[0] if entry.occurrences else (str(pot), "0")
                items.append((f"{file.replace('../../', '')}:{line}", entry.msgid))
    return items


def catalog_items(locale_dir: Path, lang: str) -> list[tuple[str, str]]:
    items = []
    for po_path in sorted((locale_dir / lang / "LC_MESSAGES").rglob("*.po")):
        for entry in polib.pofile(str(po_path), wrapwidth=79):
            if entry.msgid and entry.msgstr and not entry.obsolete:
                items.append((f"{po_path}:{entry.linenum}", entry.msgstr))
    return items


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        return gate.usage(__doc__)
    pot_dir, locale_dir, langs = Path(argv[0]), Path(argv[1]), argv[2:]
    problems = _check(source_items(pot_dir), "es", locale_dir / "wordlist.es.txt")
    for lang in langs:
        problems += _check(catalog_items(locale_dir, lang), lang,
                           locale_dir / f"wordlist.{lang}.txt")
    return gate.report(problems, "unknown word(s); fix the spelling or, for a name or "
                       f"term used on purpose, add it to {locale_dir}/wordlist.<lang>.txt")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
