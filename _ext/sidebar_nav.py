"""The book's sidebar navigation, in time linear in the size of the book.

sphinx-book-theme's sidebar (``sbt-sidebar-nav.html``) has
pydata-sphinx-theme resolve Sphinx's global toctree for every page and then
rework the HTML with BeautifulSoup: each of N pages copies and parses all N
entries, which makes the HTML build quadratic (at 450 chapters, 104 s with
it against 15 s with this one; see ``make bench``).  This extension reads
the navigation tree from the environment once per build and writes each
page's copy from strings.

The markup is the theme's own: the toctree captions, ``toctree-l<n>``
classes, the ``current``/``active`` branch, ``#`` for the page itself, and
``<details>`` toggles for entries with children.  ``tests/test_performance.py``
builds a fixture book with both sidebars and compares them page by page.

``_templates/book-nav.html`` calls ``book_nav(maxdepth, show_nav_level)``.
``-D sidebar_nav_stock=1`` puts the theme's ``sbt-sidebar-nav.html`` back in
its place, for the benchmark's and the tests' comparison.
Like the theme's sidebar it lists documents only (``titles_only``) and
includes hidden toctrees.  The theme's ``show_navbar_depth = 0`` (collapsible
captions) is not reproduced: the build stops with a message instead.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.osutil import relative_uri

TOGGLE = ('<details{open}><summary><span class="toctree-toggle" role="presentation">'
          '<i class="fa-solid fa-chevron-down"></i></span></summary>')


@dataclass(eq=False)
class Entry:
    """One line of the navigation: a document or an external link."""

    docname: str | None
    url: str | None
    title: str  # HTML
    children: list[Entry] = field(default_factory=list)


@dataclass
class Navigation:
    sections: list[tuple[str | None, list[Entry]]]  # (caption HTML, entries)
    # Every entry of a document, with its ancestors: the branch to mark.
    branches: dict[str, list[list[Entry]]]
    # Top-level entries written off any branch, per (folder, maxdepth, level).
    plain: dict[tuple, list[list[str]]] = field(default_factory=dict)


def _title_html(app: Sphinx, title: nodes.Node) -> str:
    if all(isinstance(child, nodes.Text) for child in title.children):
        return html.escape(title.astext(), quote=False)
    # Inline markup in a title (code, emphasis) renders as the toctree would.
    paragraph = nodes.paragraph("", "", *[child.deepcopy() for child in title.children])
    fragment = app.builder.render_partial(paragraph)["fragment"].strip()
    return fragment.removeprefix("<p>").removesuffix("</p>")


def _entries(app: Sphinx, toctree: addnodes.toctree, seen: set[str]) -> list[Entry]:
    env = app.env
    suffix = app.config.html_secnumber_suffix
    entries = []
    for explicit, ref in toctree["entries"]:
        if ref == "self":
            ref = toctree["parent"]
        if urlparse(ref).netloc:
            entries.append(Entry(None, ref, html.escape(explicit or ref, quote=False)))
            continue
        if ref not in env.titles:
            continue  # Sphinx has warned already: the build fails
        title = (html.escape(explicit, quote=False) if explicit
                 else _title_html(app, env.titles[ref]))
        number = env.toc_secnumbers.get(ref, {}).get("")
        if number:
            title = ".".join(map(str, number)) + suffix + title
        entry = Entry(ref, None, title)
        if ref not in seen:  # a toctree cycle (Sphinx warns) must not recurse
            for child in env.tocs[ref].findall(addnodes.toctree):
                entry.children += _entries(app, child, seen | {ref})
        entries.append(entry)
    return entries


def navigation(app: Sphinx) -> Navigation:
    """The tree, read once per build (and once per writing process with -j)."""
    cached = getattr(app.builder, "_book_navigation", None)
    if cached is not None:
        return cached
    root = app.config.root_doc
    sections = []
    for toctree in app.env.tocs[root].findall(addnodes.toctree):
        caption = toctree.get("caption")
        sections.append((html.escape(caption, quote=False) if caption else None,
                         _entries(app, toctree, {root})))
    branches: dict[str, list[list[Entry]]] = {}

    def walk(entries: list[Entry], above: list[Entry]) -> None:
        for entry in entries:
            if entry.docname:
                branches.setdefault(entry.docname, []).append([*above, entry])
            walk(entry.children, [*above, entry])

    for _, entries in sections:
        walk(entries, [])
    app.builder._book_navigation = Navigation(sections, branches)
    return app.builder._book_navigation


@dataclass
class Page:
    name: str
    base: str  # the page's URI, links are relative to it
    target_uri: Callable[[str], str]  # a document's URI
    maxdepth: int
    show_nav_level: int
    branch: set[int] = field(default_factory=set)  # ids of the entries to mark current


def _item(entry: Entry, level: int, page: Page) -> str:
    """One ``<li>`` and its children, as the theme writes it."""
    on_branch = id(entry) in page.branch
    children = entry.children if page.maxdepth <= 0 or level < page.maxdepth else []
    classes = [f"toctree-l{level}"] + (["current", "active"] if on_branch else [])
    if children:
        classes.append("has-children")
    if entry.url:
        link = f'<a class="reference external" href="{html.escape(entry.url)}">{entry.title}</a>'
    elif entry.docname == page.name:
        link = f'<a class="current reference internal" href="#">{entry.title}</a>'
    else:
        href = relative_uri(page.base, page.target_uri(entry.docname))
        link = f'<a class="reference internal" href="{href}">{entry.title}</a>'
    parts = [f'<li class="{" ".join(classes)}">', link]
    if children:
        opened = on_branch or level < page.show_nav_level
        parts += [TOGGLE.format(open=' open="open"' if opened else ""),
                  _listing(children, [_item(child, level + 1, page) for child in children],
                           page, []),
                  "</details>"]
    parts.append("</li>")
    return "\n".join(parts)


def _listing(entries: list[Entry], items: list[str], page: Page, extra: list[str]) -> str:
    """A ``<ul>`` of written ``items``, ``current`` if it holds the page's branch."""
    classes = (["current"] if any(id(e) in page.branch for e in entries) else []) + extra
    return "\n".join([f'<ul class="{" ".join(classes)}">' if classes else "<ul>", *items, "</ul>"])


def render(nav: Navigation, page: Page, folder: str) -> str:
    """The navigation of one page.

    Entries off the page's branch read the same on every page of a folder
    (links are relative to it), so they are written once per folder and
    reused; only the top-level entries on the page's branch are written
    for the page.  Each page then costs a join, not N entries' worth of
    work.
    """
    page.branch = {id(entry) for branch in nav.branches.get(page.name, []) for entry in branch}
    key = (folder, page.maxdepth, page.show_nav_level)
    if key not in nav.plain:
        # As seen from a page of the folder that is none of the entries.
        plain = Page("", posixpath.join(folder, "\0"), page.target_uri, page.maxdepth,
                     page.show_nav_level)
        nav.plain[key] = [[_item(entry, 1, plain) for entry in entries]
                          for _, entries in nav.sections]
    out = []
    for (caption, entries), plain in zip(nav.sections, nav.plain[key]):
        if caption:
            out.append('<p aria-level="2" class="caption" role="heading">'
                       f'<span class="caption-text">{caption}</span></p>')
        items = [_item(entry, 1, page) if id(entry) in page.branch else html_
                 for entry, html_ in zip(entries, plain)]
        out.append(_listing(entries, items, page, ["nav", "bd-sidenav"]))
    return "\n".join(out)


def add_book_nav(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    rendered: dict[tuple[int, int], str] = {}
    base = app.builder.get_target_uri(pagename)

    def book_nav(maxdepth: int = 4, show_nav_level: int = 1) -> str:
        # The theme renders each sidebar template twice (once to see whether
        # it is empty): the second call is free.
        key = (maxdepth, show_nav_level)
        if key not in rendered:
            page = Page(pagename, base, app.builder.get_target_uri, maxdepth, show_nav_level)
            rendered[key] = render(navigation(app), page, posixpath.dirname(base))
        return rendered[key]

    context["book_nav"] = book_nav


def check_options(app: Sphinx) -> None:
    if app.builder.format == "html" and str(app.config.html_theme_options.get(
            "show_navbar_depth", 1)) == "0":
        raise ConfigError("sidebar_nav: show_navbar_depth = 0 (collapsible captions) is not "
                          "supported by _templates/book-nav.html; use 1 or more")


def use_stock_sidebar(app: Sphinx, config) -> None:
    if config.sidebar_nav_stock:
        config.html_sidebars = {
            pattern: [("sbt-sidebar-nav.html" if t == "book-nav.html" else t) for t in templates]
            for pattern, templates in config.html_sidebars.items()}


def setup(app: Sphinx) -> dict:
    app.add_config_value("sidebar_nav_stock", False, "html", types=[bool])
    app.connect("config-inited", use_stock_sidebar)
    app.connect("builder-inited", check_options)
    app.connect("html-page-context", add_book_nav)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
