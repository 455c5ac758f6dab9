"""Translation QA: the catalogs of a published language are complete and sound.

Usage: python tools/check_catalogs.py POT_DIR LOCALE_DIR LANG...

POT_DIR holds templates freshly extracted from the sources (``make
gettext``).  For each language, every problem is printed as
``<catalog>:<line>: <problem>`` and the exit status is 1 if there is any:

* a source message missing from the catalog (catalogs out of date),
* an obsolete entry (``#~``) left in the catalog,
* a fuzzy or an empty translation,
* a translation that drops, adds or retargets a role (``{term}``, ``{ref}``,
  ``{numref}``, ``{cite:p}``, ``{doc}``): the link would change or break,
* a ``{term}`` whose text is not the language's glossary term
  (``locales/<lang>/terms.tsv``), or a glossary term translated otherwise,
* whatever ``msgfmt --check`` rejects (format strings, header, syntax).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib

import gate

ROLE = re.compile(r"\{([a-z]+(?::[a-z]+)?)\}`([^`]*)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$", re.S)
# Roles whose target is a link; {index} text is translated freely.
LINK_ROLES = {"term", "ref", "numref", "doc", "cite:p", "cite:t", "cite", "eq"}


def role_targets(text: str) -> list[tuple[str, str]]:
    found = []
    for role, body in ROLE.findall(text):
        if role not in LINK_ROLES:
            continue
        match = EXPLICIT.match(body)
        target = match.group(2) if match else body
        found.append((role, target.strip().lower() if role == "term" else target.strip()))
    return sorted(found)


def load_terms(path: Path) -> dict[str, str]:
    terms = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                source, target = line.split("\t")
                terms[source.strip().lower()] = target.strip()
    return terms


def _singular(word: str) -> str:
    for plural, single in (("ies", "y"), ("ses", "s"), ("s", "")):
        if word.endswith(plural) and len(word) > 3:
            return word[: -len(plural)] + single
    return word


def _same_term(display: str, term: str) -> bool:
    """``display`` is ``term``, maybe plural or capitalised."""
    def norm(text):
        return [_singular(w) for w in re.findall(r"[\w/-]+", text.lower())]
    return norm(display) == norm(term)


def check_catalog(po_path: Path, pot: polib.POFile | None, terms: dict[str, str],
                  is_glossary: bool) -> list[str]:
    problems = []
    po = polib.pofile(str(po_path), wrapwidth=79)
    where = lambda entry: f"{po_path}:{entry.linenum}"  # noqa: E731
    active = {e.msgid: e for e in po if not e.obsolete and e.msgid}
    if pot is not None:
        for entry in pot:
            if entry.msgid and entry.msgid not in active:
                origin = ":".join(entry.occurrences[0]) if entry.occurrences else "?"
                problems.append(f"{po_path}: no entry for the source message at "
                                f"{origin.replace('../../', '')}: {entry.msgid[:60]!r} "
                                f"(run make update-po)")
    for entry in po:
        if entry.obsolete:
            problems.append(f"{where(entry)}: obsolete entry left in the catalog: "
                            f"{entry.msgid[:60]!r}")
            continue
        if not entry.msgid:
            continue
        if entry.fuzzy:
            problems.append(f"{where(entry)}: fuzzy translation (not used by the build): "
                            f"{entry.msgid[:60]!r}")
        if not entry.msgstr:
            problems.append(f"{where(entry)}: untranslated: {entry.msgid[:60]!r}")
            continue
        source, target = role_targets(entry.msgid), role_targets(entry.msgstr)
        if source != target:
            lost = sorted(set(source) - set(target))
            new = sorted(set(target) - set(source))
            problems.append(f"{where(entry)}: the translation changes the references: "
                            f"missing {_roles(lost)}, unexpected {_roles(new)}")
        index_counts = [len(re.findall(r"\{index\}`", text)) for text in (entry.msgid, entry.msgstr)]
        if index_counts[0] != index_counts[1]:
            problems.append(f"{where(entry)}: the translation has {index_counts[1]} {{index}} "
                            f"entries, the source {index_counts[0]}")
        for role, body in ROLE.findall(entry.msgstr):
            match = EXPLICIT.match(body)
            if role != "term" or not match or not terms:
                continue
            display, term = match.group(1), match.group(2).strip().lower()
            expected = terms.get(term)
            if expected and not _same_term(display, expected):
                problems.append(f"{where(entry)}: {{term}} text {display!r} is not the "
                                f"glossary term {expected!r} (for {term!r})")
        if is_glossary and entry.msgid.lower() in terms \
                and entry.msgstr != terms[entry.msgid.lower()]:
            problems.append(f"{where(entry)}: glossary term {entry.msgid!r} is translated "
                            f"{entry.msgstr!r}, the term list says "
                            f"{terms[entry.msgid.lower()]!r}")
    msgfmt = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path)],
                            capture_output=True, text=True)
    if msgfmt.returncode != 0:
        problems += [line for line in msgfmt.stderr.splitlines()
                     if line and "msgfmt: found" not in line]
    return problems


def _roles(pairs) -> str:
    return ", ".join(f"{{{role}}}`{target}`" for role, target in pairs) or "none"


# Catalogs of interface words, not of documents: Sphinx's own (sphinx.po,
# checked by Sphinx) and the handbook's (handbook.po, from handbook.pot,
# whose message ids are English).
INTERFACE_POT = Path(__file__).resolve().parent.parent / "locales" / "handbook.pot"
MSGID_LANGUAGE = "en"


def check_language(pot_dir: Path | None, locale_dir: Path, lang: str) -> list[str]:
    messages = locale_dir / lang / "LC_MESSAGES"
    terms = load_terms(locale_dir / lang / "terms.tsv")
    problems = []
    pots = {p.relative_to(pot_dir).with_suffix(""): p for p in pot_dir.rglob("*.pot")} \
        if pot_dir else {}
    if pot_dir and lang != MSGID_LANGUAGE:
        pots[Path("handbook")] = INTERFACE_POT
    pots.pop(Path("sphinx"), None)
    pos = {p.relative_to(messages).with_suffix(""): p for p in messages.rglob("*.po")
           if p.stem != "sphinx"}
    for name in sorted(set(pots) - set(pos)):
        problems.append(f"{messages / name}.po: missing catalog for {name} "
                        f"(run make update-po LANGS={lang})")
    for name, po_path in sorted(pos.items()):
        pot = polib.pofile(str(pots[name])) if name in pots else None
        if pot_dir and pot is None:
            problems.append(f"{po_path}: no source document {name} any more; "
                            "delete the catalog")
            continue
        problems += check_catalog(po_path, pot, terms, is_glossary=name.name == "glosario")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        return gate.usage(__doc__)
    pot_dir, locale_dir, langs = Path(argv[0]), Path(argv[1]), argv[2:]
    problems = [p for lang in langs for p in check_language(pot_dir, locale_dir, lang)]
    return gate.report(problems, "translation problem(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
