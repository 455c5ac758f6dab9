"""Mermaid diagrams as numbered figures, rendered at build time for every format.

The ``{mermaid}`` directive is sphinxcontrib-mermaid's, with three options
made mandatory, because every diagram in the book is a numbered figure that
the text refers to and that a reader who cannot see it can still follow:

``:caption:``  the figure caption (translated through the catalogs);
``:name:``     the label, ``fig-...``, referenced with ``{numref}``;
``:alt:``      a description of the diagram (translated through the catalogs).

The diagram code is a file argument (``{mermaid} diagramas/x.mmd``) or the
directive content.  A file ``x.<lang>.mmd`` next to ``x.mmd`` replaces it in
the ``<lang>`` edition (Sphinx's ``figure_language_filename``); that is how
diagram labels are translated.

Nothing is rendered in the reader's browser.  After reading, every diagram
of the book goes through ``diagram_renderer`` (one Chromium, a cache shared
by all builders and languages) in the format that the builder needs: SVG
for HTML, PNG for EPUB (Mermaid's SVG is not valid EPUB content), PDF for
LaTeX.  When a run builds several editions (``diagram_languages``, which
`make` sets), the first build that starts the browser renders the other
editions' diagrams too (``x.<lang>.mmd``), so that a whole build starts
Chromium and loads Mermaid once.  A post-transform then replaces each
diagram by an ordinary image, so the builders copy, list and describe it
like any other picture.  A Mermaid syntax error or a missing Chromium stops
the build with the file and line.
"""

from __future__ import annotations

import codecs
import os
import weakref
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.i18n import search_image_for_language
from sphinx.util.nodes import set_source_info
from sphinxcontrib.mermaid import Mermaid, mermaid

import diagram_renderer as renderer

logger = logging.getLogger(__name__)

#: Output format per builder; builders not listed get no images.
FORMAT_BY_BUILDER = {"html": "svg", "dirhtml": "svg", "singlehtml": "svg",
                     "epub": "png", "latex": "pdf"}

REQUIRED_OPTIONS = {
    "caption": "a caption",
    "name": "a label (fig-...) for {numref}",
    "alt": "alt text that describes the diagram to a reader who cannot see it",
}


class diagram(mermaid, addnodes.translatable):
    """A Mermaid diagram whose alt text goes through the catalogs."""

    def preserve_original_messages(self) -> None:
        self["original_alt"] = self["alt"]

    def apply_translated_message(self, original_message: str, translated_message: str) -> None:
        if self["alt"] == original_message:
            self["alt"] = translated_message

    def extract_original_messages(self) -> list[str]:
        return [self["alt"]]


class DiagramDirective(Mermaid):
    option_spec = {
        "name": Mermaid.option_spec["name"],
        "alt": Mermaid.option_spec["alt"],
        "caption": Mermaid.option_spec["caption"],
        "align": Mermaid.option_spec["align"],
    }

    def run(self) -> list[nodes.Node]:
        missing = [f":{opt}: ({why})" for opt, why in REQUIRED_OPTIONS.items()
                   if not self.options.get(opt, "").strip()]
        if missing:
            raise self.error("diagram without " + " and ".join(missing))
        result = super().run()
        old = next(iter(result[0].findall(mermaid)), None) if result else None
        if old is None:  # a system message (empty diagram, unreadable file)
            return result
        new = diagram(**old.attributes)
        new["alt"] = " ".join(self.options["alt"].split())
        env = self.state.document.settings.env
        if self.arguments:
            rel = search_image_for_language(self.arguments[0], env)
            new["diagram_source"] = _display(env.relfn2path(rel)[1])
            new["diagram_line"] = 1
            new["diagram_file"] = env.relfn2path(self.arguments[0])[1]
        else:
            new["diagram_source"] = _display(env.doc2path(env.docname))
            new["diagram_line"] = _content_line(env.doc2path(env.docname), self)
        set_source_info(self, new)
        old.replace_self(new)
        return result


def _content_line(path, directive) -> int:
    """The line of the directive's first content line in its source file.

    MyST does not give docutils' ``content_offset`` the file's numbering,
    so the line is found in the file, searching from the directive line.
    """
    first = directive.content[0]
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, start=1):
            if number > directive.lineno and line.rstrip("\n") == first:
                return number
    return directive.lineno


def _display(path) -> str:
    """A path as authors type it: relative to the working folder if inside."""
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _diagrams(node_iter) -> list[renderer.Diagram]:
    return [renderer.Diagram(n["code"], n["diagram_source"], n["diagram_line"])
            for n in node_iter]


def collect(app: Sphinx, doctree: nodes.document) -> None:
    # Per document: its diagrams, and the (code, language-neutral file) of
    # those that come from a file, whose other editions may differ.
    for name in ("diagrams", "diagram_files"):
        if not hasattr(app.env, name):
            setattr(app.env, name, {})
    app.env.diagrams[app.env.docname] = _diagrams(doctree.findall(diagram))
    app.env.diagram_files[app.env.docname] = [
        (n["code"], n["diagram_file"]) for n in doctree.findall(diagram) if "diagram_file" in n]


def purge(app: Sphinx, env, docname: str) -> None:
    for name in ("diagrams", "diagram_files"):
        getattr(env, name, {}).pop(docname, None)


def merge(app: Sphinx, env, docnames, other) -> None:
    for name in ("diagrams", "diagram_files"):
        if not hasattr(env, name):
            setattr(env, name, {})
        for docname in docnames:
            getattr(env, name)[docname] = getattr(other, name, {}).get(docname, [])


def _in_language(neutral: str, language: str, config) -> str:
    """The file that stands for ``neutral`` in ``language``'s edition: its
    translation by ``figure_language_filename`` if there is one (as Sphinx's
    ``search_image_for_language`` finds it), else ``neutral`` itself."""
    root, ext = os.path.splitext(neutral)
    translated = config.figure_language_filename.format(
        root=root, ext=ext, path=os.path.dirname(root) + os.sep,
        basename=os.path.basename(root), docpath="", language=language)
    return translated if os.path.isfile(translated) else neutral


def _read(path: str) -> str:
    with codecs.open(path, "r", "utf-8") as source:  # as sphinxcontrib-mermaid reads it
        return source.read()


def other_editions(app: Sphinx, env) -> list[renderer.Diagram]:
    """The diagrams that the other editions of this run
    (``diagram_languages``) read from a file of their own: for each, the
    code that edition's build will have, so that its SVG's cache name is
    the one that build looks for."""
    languages = [lang for lang in app.config.diagram_languages if lang != app.config.language]
    found = {}
    for code, neutral in sorted({f for fs in getattr(env, "diagram_files", {}).values()
                                 for f in fs}):
        own = _in_language(neutral, app.config.language, app.config)
        text = _read(own)
        if not code.endswith(text):  # not the file's text as read: leave it
            continue
        for language in languages:
            path = _in_language(neutral, language, app.config)
            if path != own:
                found[path] = renderer.Diagram(code[:len(code) - len(text)] + _read(path),
                                               _display(path), 1)
    return list(found.values())


def settings(app: Sphinx) -> renderer.Settings:
    cache = app.config.diagram_cache_dir or os.environ.get("DIAGRAM_CACHE") \
        or os.path.join(os.path.dirname(app.outdir), "diagram-cache")
    return renderer.Settings(
        cache_dir=Path(cache),
        chromium=app.config.diagram_chromium,
        mermaid_config=app.config.diagram_mermaid_config,
        png_scale=app.config.diagram_png_scale,
        info=logger.info,
    )


# What render_all found for each build (its environment): the format the
# builder takes and each diagram's rendered file, for DiagramImages, which
# sees the environment but not the application.
RENDERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def render_all(app: Sphinx, env) -> None:
    """Render (or find in the cache) every diagram this builder needs."""
    fmt = FORMAT_BY_BUILDER.get(app.builder.name)
    RENDERED[env] = (fmt, {})
    if fmt is None:
        return
    wanted = sorted({d for ds in getattr(env, "diagrams", {}).values() for d in ds},
                    key=lambda d: (d.source, d.line))
    if not wanted:
        return
    try:
        paths = renderer.render([(d, fmt) for d in wanted], settings(app),
                                label=f"{app.config.language}/{app.builder.name}",
                                also=other_editions(app, env))
    except renderer.RenderError as err:
        # Reported like any other source error, with file and line; the
        # failed diagrams get no image and the build fails at the end.
        for source, line, message in err.problems:
            logger.error(message, location=f"{source}:{line}")
        if not err.problems:
            logger.error(str(err))
        return
    RENDERED[env] = (fmt, {d.code: p for (d, _), p in paths.items()})


class DiagramImages(SphinxPostTransform):
    """Replace each diagram by an image of its rendered file."""

    default_priority = 5  # before Sphinx's image converters

    def run(self, **kwargs) -> None:
        fmt, paths = RENDERED.get(self.env, (None, {}))
        for node in list(self.document.findall(diagram)):
            if fmt is None:  # gettext reads the alt text off the node itself
                continue
            path = paths.get(node["code"])
            if path is None or not path.exists():
                node.parent.remove(node)  # already reported by render_all
                continue
            uri = str(path)
            image = nodes.image(uri=uri, alt=node["alt"], candidates={"*": uri})
            for attr in ("align", "ids"):
                if attr in node:
                    image[attr] = node[attr]
            image["classes"].append("diagram")
            if fmt == "pdf":
                # Mermaid's 15 px text prints at 11 pt; at 80 % it sits
                # below the body text, as figure text should.
                image["scale"] = self.config.diagram_latex_scale
            if fmt == "png":
                # Show the print-resolution PNG at the SVG's size.
                width = _png_width(path) // self.config.diagram_png_scale
                image["width"] = f"{width}px"
            image.source, image.line = node.source, node.line
            self.env.images.add_file(self.env.docname, uri)
            node.replace_self(image)


def drop_stale_images(app: Sphinx, exception: Exception | None) -> None:
    """Remove from the HTML output the images of diagrams that no longer
    exist.  Sphinx copies images into ``_images/`` but never deletes one, so
    an incremental build after a diagram changed kept the old rendering next
    to the new one (and a clean build of the same sources did not)."""
    fmt = FORMAT_BY_BUILDER.get(app.builder.name)
    if exception is not None or fmt not in ("svg",):
        return
    current = {path.name for path in RENDERED.get(app.env, (None, {}))[1].values()}
    for image in (Path(app.outdir) / "_images").glob(f"mermaid-*.{fmt}"):
        if image.name not in current:
            image.unlink()


def _png_width(path: Path) -> int:
    with open(path, "rb") as png:
        header = png.read(24)
    return int.from_bytes(header[16:20], "big")


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.mermaid")
    app.add_directive("mermaid", DiagramDirective, override=True)
    app.add_node(diagram)
    app.add_config_value("diagram_cache_dir", "", "", types=[str])
    app.add_config_value("diagram_chromium", "/usr/bin/chromium-headless-shell", "", types=[str])
    app.add_config_value("diagram_mermaid_config", {}, "", types=[dict])
    app.add_config_value("diagram_png_scale", 3, "", types=[int])
    app.add_config_value("diagram_latex_scale", 80, "", types=[int])
    # The editions that this run builds (see the module's docstring).
    app.add_config_value("diagram_languages", [], "", types=[list])
    app.add_post_transform(DiagramImages)
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-updated", render_all)
    app.connect("build-finished", drop_stale_images)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 2}
