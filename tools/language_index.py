"""Write the root page of the HTML site: a choice between the editions.

Usage: python tools/language_index.py OUTPUT.html LANG...

The page lists every edition (title in its own language) and sends the
reader to the one that matches the browser's preferred languages, with a
few lines of inline script; without script the links are the page.
"""

from __future__ import annotations

import html
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))

PAGE = """<!DOCTYPE html>
<html lang="{first}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{titles}</title>
{alternates}
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem;
        line-height: 1.5; color: #1b2733; }}
a {{ display: block; padding: 1rem 1.25rem; margin: 1rem 0; border: 1px solid #c5d3e0;
     border-radius: 6px; text-decoration: none; color: #0d4073; }}
a:hover, a:focus {{ background: #eef4fa; }}
.title {{ font-size: 1.25rem; font-weight: 600; display: block; }}
</style>
<script>
/* Open the edition that matches the browser's languages; stay here otherwise. */
(function () {{
  var editions = {codes};
  var wanted = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {{
    var code = String(wanted[i]).slice(0, 2).toLowerCase();
    if (editions.indexOf(code) >= 0) {{ location.replace(code + "/index.html"); return; }}
  }}
}})();
</script>
</head>
<body>
{links}
</body>
</html>
"""


def main(argv: list[str]) -> int:
    import edition_data

    editions = edition_data.load()
    out, langs = Path(argv[0]), argv[1:]
    links = "\n".join(
        f'<a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">'
        f'<span class="title">{html.escape(editions[lang]["project"])}</span>'
        f'{html.escape(editions[lang]["short_title"])} · {lang}</a>'
        for lang in langs)
    alternates = "\n".join(f'<link rel="alternate" hreflang="{lang}" href="{lang}/index.html" />'
                           for lang in langs)
    page = PAGE.format(first=langs[0], codes=json.dumps(langs), links=links, alternates=alternates,
                       titles=" · ".join(html.escape(editions[l]["short_title"]) for l in langs))
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
