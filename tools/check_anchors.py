"""Public anchors that never move: the manifest and its check.

``book/anchors.json`` lists every anchor that people may link to: each
chapter, section, figure, table, code listing and equation label and each
glossary term, as
``<document>#<id>``, plus ``moved``: documents that were renamed, old name
to new name.

    python tools/check_anchors.py write book/anchors.json dist/html/es   # regenerate
    python tools/check_anchors.py check book/anchors.json dist/html/es dist/html/en

``write`` reads the built inventory (objects.inv) with Sphinx's own reader.
``check`` fails, naming each one, when an anchor of the manifest is not in a
built edition, unless its document is recorded in ``moved`` and the new
document has the anchor.  The redirect pages of moved documents are written
by the extension ``_ext/anchor_redirects.py``, which reads the same manifest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
from anchor_redirects import load  # noqa: E402  (the extension reads the same manifest)
import gate  # noqa: E402

PUBLIC = ("cap-", "sec-", "fig-", "tab-", "code-")
# Sphinx lists no equation in objects.inv: they are read off the pages
# (an equation labelled eq-x has the id equation-eq-x).
EQUATION = "equation-eq-"


def inventory_anchors(site: Path) -> list[str]:
    from sphinx.util.inventory import InventoryFile

    inv = InventoryFile.loads((site / "objects.inv").read_bytes(), uri="")
    anchors = []
    for (domain_role), entries in inv.data.items():
        for name, item in entries.items():
            uri = item.uri
            doc, _, frag = uri.partition("#")
            doc = doc.removesuffix(".html")
            if domain_role == "std:label" and name.startswith(PUBLIC):
                anchors.append(f"{doc}#{frag or name}")
            elif domain_role == "std:term":
                anchors.append(f"{doc}#{frag}")
    for page in sorted(site.glob("*.html")):
        anchors += [f"{page.stem}#{ident}" for ident in sorted(_ids(page))
                    if ident.startswith(EQUATION)]
    return sorted(set(anchors))


def write(manifest: Path, site: Path) -> int:
    old = load(manifest) if manifest.exists() else {"moved": {}}
    data = {
        "about": "Public anchors of the handbook (document#id); see tools/check_anchors.py. "
                 "Regenerate with 'make anchors' after adding some; never remove "
                 "one: record renamed documents in 'moved'.",
        # The anchors of a moved document stay listed: its redirect page
        # must keep leading to them.
        "anchors": sorted(set(inventory_anchors(site)) | {
            a for a in old.get("anchors", []) if a.partition("#")[0] in old["moved"]}),
        "moved": old["moved"],
    }
    manifest.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{manifest}: {len(data['anchors'])} anchors")
    return 0


def _ids(page: Path) -> set[str]:
    from lxml import html as lhtml

    tree = lhtml.fromstring(page.read_bytes())
    return {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}


def check(manifest: Path, sites: list[Path]) -> list[str]:
    data = load(manifest)
    problems = []
    for site in sites:
        cache = {}
        for anchor in data["anchors"]:
            doc, _, ident = anchor.partition("#")
            target = data["moved"].get(doc, doc)
            page = site / f"{target}.html"
            if target not in cache:
                cache[target] = _ids(page) if page.exists() else None
            if cache[target] is None:
                problems.append(f"{manifest}: anchor {anchor!r} disappeared from {site}: "
                                f"no page {target}.html (record a renamed document in "
                                f"\"moved\")")
            elif ident not in cache[target]:
                problems.append(f"{manifest}: anchor {anchor!r} disappeared from {site}: "
                                f"no id {ident!r} in {target}.html")
            if doc != target and not (site / f"{doc}.html").exists():
                problems.append(f"{manifest}: moved document {doc!r} has no redirect page "
                                f"{site}/{doc}.html")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in ("write", "check"):
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 2
    manifest, sites = Path(argv[1]), [Path(a) for a in argv[2:]]
    if argv[0] == "write":
        return write(manifest, sites[0])
    return gate.report(check(manifest, sites), "public anchor(s) lost")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
