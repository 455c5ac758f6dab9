# Makefile for the MLOps handbook.
#
#   make                 set everything up and build every format of every edition
#   make test            run the test suite (sets up first if needed)
#   make help            list every target
#
# One rule builds with Sphinx (SPHINX_BUILD below); the format targets only
# choose a builder and a language and publish the result into $(DISTDIR)
# through a temporary name, so a failed build never replaces a good artifact.

SHELL        := /bin/bash
# Every core by default (`make -j1` builds one step at a time): the builders
# of the two editions, the LaTeX runs and the checkers run side by side.
# Each step prints its log lines when it ends (-O), so the lines of two steps
# never interleave; recipe lines marked `+` (the test suite, the live preview, the benchmark,
# the clean room) print as they go.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS    += -j$(shell nproc)
endif
MAKEFLAGS    += --output-sync=target
.SHELLFLAGS  := -eu -o pipefail -c
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
# Published files are built through pattern chains (html/<lang>/index.html
# -> .downloads -> zip); none of them is a disposable intermediate file.
.SECONDARY:

PYTHON       ?= python3
VENV         ?= .venv
# The log: one line per step; `make V=1` shows every command instead (the
# Linux kernel's convention).
V            ?= 0
export V
Q            := $(if $(filter 1,$(V)),,@)
SPHINXOPTS   ?= -W --keep-going -n -q
# sphinx-build -j: one process more than the cores.  While writing, Sphinx
# keeps the main process to itself (it resolves each page and hands it to
# N - 1 writers), so -j auto on 2 cores writes with a single process.
JOBS         ?= $(shell echo $$(( $$(nproc) + 1 )))
CONFDIR      ?= .
SOURCEDIR    ?= book
BUILDDIR     ?= _build
DISTDIR      ?= dist
# Editions built by plain `make` (and catalogs updated by `make update-po`).
LANGS        ?= es en
# Catalogs (locales/<lang>/LC_MESSAGES/<document>.po) of every language but
# the source language, Spanish.
LOCALEDIR    ?= locales
TRANSLATIONS  = $(filter-out es,$(LANGS))
# `make pdf LANG=en` picks one edition.  The LANG that comes from the
# environment is a locale (e.g. C.UTF-8), not an edition, so it is ignored,
# and LANG is not passed on to the tools (they get LC_ALL instead).
BOOK_LANG    := $(if $(filter command line,$(origin LANG)),$(LANG),es)
unexport LANG
export LC_ALL := C.UTF-8
# The local extensions, importable by conf.py and by the fixture books of
# the tests (whose conf.py lives elsewhere).
export PYTHONPATH := $(CURDIR)/_ext

BIN          := $(VENV)/bin
# The programs in tools/ run through tools/run_tool.py: a crash is one line
# naming the input, the traceback goes to $(BUILDDIR)/tools.traceback.log.
TOOL          = BUILDDIR=$(BUILDDIR) $(BIN)/python tools/run_tool.py
SPHINXBUILD  := $(BIN)/sphinx-build
VENV_STAMP   := $(VENV)/.installed
NODE_STAMP   := node_modules/.installed

# Rendered diagrams, shared by every builder and language and kept across
# builds (see _ext/diagram_renderer.py); `make clean` empties it too.
export DIAGRAM_CACHE := $(abspath $(BUILDDIR))/diagram-cache
# What the checkers found, kept across builds: EPUBCheck's passes by the
# EPUB's checksum, Ace's findings per content document, axe-core's per HTML
# page (tools/check_epub.py, check_ace.py, check_axe.py).  An edit to one
# chapter runs axe on that chapter only.
export CHECKER_CACHE := $(abspath $(BUILDDIR))/checker-cache
# EPUBCheck's Java virtual machine stays up between builds as a server of
# this build folder (tools/check_epub.py): an edit finds EPUBCheck ready.
# It stops after 10 minutes without a call, or with `make clean`;
# EPUBCHECK_SERVER=0 starts one for each call instead.
export EPUBCHECK_SERVER ?= 1
# The diagram renderer and the accessibility checkers drive Debian's
# Chromium through puppeteer, which must not fetch its own.
# CHROMIUM=/path (command line or environment, read by conf.py and
# tools/system_deps.py) picks another build of it: the Read the Docs build
# runs on Ubuntu, which has none (see .readthedocs.yaml).
export PUPPETEER_SKIP_DOWNLOAD := 1

# Dates printed in the book, PDF metadata and archives come from the last
# commit, so two builds of one commit are identical.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1700000000)
export SOURCE_DATE_EPOCH
export FORCE_SOURCE_DATE := 1

# Everything a build of language <lang> reads is signed in
# $(BUILDDIR)/inputs/<lang>.sig by tools/inputs.py, which walks the inputs
# (any file name works: make never sees the names), refuses a file that is
# not UTF-8 or a name that cannot be a URL, and rewrites the signature only
# when something changed.  The catalogs of a language (locales/<lang>/)
# matter to that language only; tools/ (gates, build steps, benchmark) to no
# build.
INPUTS   = $(BUILDDIR)/inputs/$(1).sig

# sphinx-build for builder $(1) and language $(2), with a doctree folder per
# builder and language.  Sphinx notices changed sources and settings but not
# changed local extensions, nor a changed catalog of its own interface
# messages (locales/<lang>/LC_MESSAGES/sphinx.po): when one is newer than
# the saved environment, the sources are read again (-E).
SPHINX_BUILD = $(BIN)/python tools/sphinx_build.py \
	--error-log $(BUILDDIR)/$(2)/$(1).traceback.log -b $(1) -c $(CONFDIR) \
	-d $(BUILDDIR)/$(2)/doctrees/$(1) -D language=$(2) -j $(JOBS) \
	$(if $(call EXT_CHANGED,$(1),$(2)),-E) \
	$(SPHINXOPTS) $(SOURCEDIR) $(BUILDDIR)/$(2)/$(1)
EXT_CHANGED = $(shell find _ext $(wildcard $(LOCALEDIR)/$(2)/LC_MESSAGES/sphinx.po) \
	\( -name '*.py' -o -name sphinx.po \) \
	-newer $(BUILDDIR)/$(2)/doctrees/$(1)/environment.pickle 2>/dev/null | head -1)

# Copy file $(1) to $(2) through a temporary name in the same folder.  Any
# publication first withdraws SHA256SUMS, which is written again last: an
# interrupted build never leaves checksums that no longer match.
UNSEAL       = rm -f $(DISTDIR)/SHA256SUMS
PUBLISH_FILE = $(UNSEAL) && mkdir -p $(dir $(2)) && cp $(1) $(2).tmp && mv -f $(2).tmp $(2)
# Replace folder $(2) by a copy of folder $(1): copied next to it, then the
# two exchanged in one atomic rename (tools/publish_dir.py).
# $(3): files a later step adds to the site, kept from the published one
# until then.
PUBLISH_DIR  = $(UNSEAL) && $(TOOL) tools/publish_dir.py $(1) $(2) $(foreach f,$(3),--keep $(f))

# One line of the log: $(call LOG,TAG,TEXT) prints "[TAG] TEXT".  A timed
# step starts with $(T0) and ends with $(call DONE,TAG,TEXT), which adds the
# seconds it took (bash's EPOCHREALTIME, in microseconds).
LOG  = printf '%s\n' "[$(1)] $(2)"
T0   = t0=$${EPOCHREALTIME/./}
# $(3), when given, goes in the parentheses before the time.
DONE = t=$$(( ($${EPOCHREALTIME/./} - t0) / 100000 )); \
       printf '%s (%s%d.%d s)\n' "[$(1)] $(2)" "$(if $(3),$(3)$(comma) )" $$((t / 10)) $$((t % 10))
comma := ,

.PHONY: help
help:
	@echo "Targets (LANG=es|en picks one edition; LANGS lists the editions of 'all'):"
	@echo "  all, dist    set up, then build every artifact of every edition (default):"
	@echo "               PDF, EPUB, HTML site and its zip, objects.inv, SHA256SUMS"
	@echo "  release      versioned copies in $(DISTDIR)/release/ (version from pyproject.toml)"
	@echo "  html         HTML site of one edition   -> $(DISTDIR)/html/<lang>/"
	@echo "  pdf          PDF of one edition         -> $(DISTDIR)/mlops-handbook-<lang>.pdf"
	@echo "  epub         EPUB of one edition        -> $(DISTDIR)/mlops-handbook-<lang>.epub"
	@echo "  latex        LaTeX sources only         -> $(BUILDDIR)/<lang>/latex/"
	@echo "  check        link check of HTML and EPUB, EPUBCheck, Ace, axe-core, translation QA"
	@echo "  readthedocs  the Read the Docs build of one edition (READTHEDOCS_LANGUAGE) into"
	@echo "               READTHEDOCS_OUTPUT/{html,pdf,epub,htmlzip}/ (see README, Publishing)"
	@echo "  anchors      rewrite book/anchors.json, the public anchors checked by 'check'"
	@echo "  gettext      extract the messages of the Spanish text -> $(BUILDDIR)/gettext/"
	@echo "  update-po    create/update the catalogs of LANGS (e.g. LANGS=pt) in $(LOCALEDIR)/"
	@echo "  i18n-stats   translated/fuzzy/untranslated/obsolete per catalog"
	@echo "  i18n-check   catalog QA and spell check (hunspell)"
	@echo "  test         build, check, then run the test suite"
	@echo "  serve        live preview that rebuilds on save (sphinx-autobuild)"
	@echo "  setup        virtual environment, Python packages and system packages"
	@echo "  system-deps  install the Debian/Ubuntu packages (apt, as root or with sudo)"
	@echo "  covers       redraw the EPUB covers (_static/cover/*.png) with Chromium"
	@echo "  bench        benchmark -> _build/bench/bench.md (BENCHOPTS=--skip-scaling)"
	@echo "  clean        remove $(BUILDDIR)/ and $(DISTDIR)/"
	@echo "  clean-room   make + make test in a new Debian root (SUITE=bookworm|trixie,"
	@echo "               VARIANT=plain|node-present); needs root and mmdebstrap"
	@echo "Add V=1 to any target to see every command."

# Set-up
# ------

.PHONY: setup
setup: $(VENV_STAMP) $(NODE_STAMP) | system-deps

# The Python that makes .venv must be in pyproject's requires-python range
# (system_deps.py --python says which one it took, or why not).  pip's own
# output goes to $(VENV)/pip.log and is shown only when it fails.
$(VENV_STAMP): requirements.lock pyproject.toml | system-deps
	$(Q)PYTHON=$(PYTHON) $(PYTHON) tools/system_deps.py --python
	$(Q)$(PYTHON) -m venv $(VENV)
	$(Q)$(T0); { $(BIN)/python -m pip install --upgrade pip \
	  && $(BIN)/python -m pip install --require-hashes --no-deps -r requirements.lock; \
	  } > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }; \
	$(call DONE,setup,Python packages (requirements.lock) -> $(VENV)/)
	$(Q)touch $@

# The diagram renderer (mermaid, with puppeteer; mermaid-cli for the
# benchmark's stock baseline) and the accessibility checkers (Ace by DAISY's
# @daisy/ace-core, axe-core) at the versions in package-lock.json.
$(NODE_STAMP): package-lock.json package.json | system-deps
	$(Q)$(T0); npm ci --no-audit --no-fund --loglevel=error >/dev/null; \
	$(call DONE,setup,diagram renderer and accessibility checkers (package-lock.json) -> node_modules/)
	$(Q)touch $@

# The Debian packages whose probe fails (a command, a file or a Python
# module), and only those: see tools/system_deps.py.
.PHONY: system-deps
system-deps:
	$(Q)PYTHON=$(PYTHON) $(PYTHON) tools/system_deps.py

# Builds
# ------

# The signature of the inputs of one language, checked on every run (FORCE)
# and rewritten only when an input changed.
.PRECIOUS: $(BUILDDIR)/inputs/%.sig
$(BUILDDIR)/inputs/%.sig: FORCE | setup
	$(Q)$(BIN)/python tools/inputs.py --lang $* --source $(SOURCEDIR) --conf $(CONFDIR) \
	  --locales $(LOCALEDIR) $@
.PHONY: FORCE
FORCE:

# The one build rule: $(BUILDDIR)/<lang>/<builder>.stamp
.PRECIOUS: $(BUILDDIR)/%.stamp
.SECONDEXPANSION:
$(BUILDDIR)/%.stamp: $$(call INPUTS,$$(firstword $$(subst /, ,$$*))) | setup
	$(call SPHINX_STEP,$(word 2,$(subst /, ,$*)),$(word 1,$(subst /, ,$*)))

# $(call SPHINX_STEP,builder,lang): the recipe of that rule, which the PDF
# step below runs too.  The EPUB packs whatever is in its output folder: it
# starts empty, so that files of earlier builds never end up in the book.
# Other builders start empty when a document was added, renamed or removed,
# so that no page of a removed document is published.
define SPHINX_STEP
$(Q)$(if $(filter epub,$(1)),rm -rf $(BUILDDIR)/$(2)/epub)
$(Q)docs="$$(cd $(SOURCEDIR) && find . -name '*.md' | LC_ALL=C sort | md5sum)"; \
[ "$$docs" = "$$(cat $(BUILDDIR)/$(2)/$(1).docs 2>/dev/null)" ] \
  || rm -rf $(BUILDDIR)/$(2)/$(1); \
mkdir -p $(BUILDDIR)/$(2) && echo "$$docs" > $(BUILDDIR)/$(2)/$(1).docs.new
$(Q)$(T0); $(call SPHINX_BUILD,$(1),$(2)); \
$(call DONE,$(2)/$(1),Sphinx -> $(BUILDDIR)/$(2)/$(1)/)
$(Q)mv $(BUILDDIR)/$(2)/$(1).docs.new $(BUILDDIR)/$(2)/$(1).docs
$(Q)touch $(BUILDDIR)/$(2)/$(1).stamp
endef

# Each artifact passes its gates (tools/check_artifacts.py, EPUBCheck) before
# it replaces the published one.
$(DISTDIR)/html/%/index.html: $(BUILDDIR)/%/html.stamp
	$(Q)$(TOOL) tools/check_artifacts.py html $(BUILDDIR)/$*/html $*
	$(Q)$(call PUBLISH_DIR,$(BUILDDIR)/$*/html,$(DISTDIR)/html/$*,mlops-handbook-$*.pdf mlops-handbook-$*.epub)
	$(Q)rm -f $(DISTDIR)/html/$*/.buildinfo $(DISTDIR)/html/$*/.buildinfo.bak
	$(Q)touch $@
	@$(call LOG,$*/html,gates passed -> $(DISTDIR)/html/$*/)

# The PDF is made and passes its gates in one step, which records the
# checksum of what passed (as the EPUB checkers do below); publishing it is
# the next.  The step writes its LaTeX sources too (the Sphinx step of
# latex.stamp, which `make latex` makes alone), so that LaTeX, one core
# busy for a long time, starts as soon as its sources are written; as a
# step of its own it would wait behind every builder already queued.
$(BUILDDIR)/%/pdf.ok: $$(call INPUTS,$$*) | setup
	$(Q)rm -f $@
	$(call SPHINX_STEP,latex,$*)
	$(Q)$(T0); $(TOOL) tools/latex_run.py $(BUILDDIR)/$*/latex/mlops-handbook.tex; \
	pages=$$(pdfinfo $(BUILDDIR)/$*/latex/mlops-handbook.pdf | sed -n 's/^Pages: *//p'); \
	$(call DONE,$*/pdf,LaTeX -> $(BUILDDIR)/$*/latex/mlops-handbook.pdf,$$pages pages)
	$(Q)$(TOOL) tools/check_artifacts.py pdf $(BUILDDIR)/$*/latex/mlops-handbook.pdf $*
	$(Q)sha256sum $(BUILDDIR)/$*/latex/mlops-handbook.pdf > $@

$(DISTDIR)/mlops-handbook-%.pdf: $(BUILDDIR)/%/pdf.ok
	$(Q)$(call PUBLISH_FILE,$(BUILDDIR)/$*/latex/mlops-handbook.pdf,$@)
	@$(call LOG,$*/pdf,gates passed -> $@)

# The EPUB's two checkers are steps of their own, so that they run side by
# side, and each checks the EPUBs of every edition this run builds in one
# start (most of their time is starting: a Java virtual machine and
# EPUBCheck's schemas, a browser and axe-core): the editions of LANGS for
# `make`, `make check`, `make test` or `make release`, the one of LANG for
# `make epub` and any other target.  A checker that passes records the checksum
# of each EPUB it passed in that edition's .ok file (the tests compare it
# with the published EPUB instead of running the checker again); one that
# fails leaves none, and no EPUB is published.
WHOLE_BOOK    := $(if $(MAKECMDGOALS),$(filter all dist release check test,$(MAKECMDGOALS)),all)
EPUB_EDITIONS := $(if $(WHOLE_BOOK),$(LANGS),$(BOOK_LANG))
# The same editions for the diagrams: the first build that starts Chromium
# renders the other editions' translated diagrams in the same page
# (diagram_languages, _ext/diagrams.py).
export DIAGRAM_LANGUAGES := $(EPUB_EDITIONS)
# $(call CHECK_EPUBS,tools/check_<name>.py,<name of its .ok files>,editions,log text)
CHECK_EPUBS = $(T0); $(TOOL) $(1) $(foreach l,$(3),$(BUILDDIR)/$(l)/epub/mlops-handbook.epub); \
	$(call DONE,$(subst $(space),+,$(strip $(3)))/epub,$(4)); \
	$(foreach l,$(3),sha256sum $(BUILDDIR)/$(l)/epub/mlops-handbook.epub > $(BUILDDIR)/$(l)/$(2).ok &&) true
space := $(subst ,, )
EPUBCHECK_LOG = EPUBCheck passed
ACE_LOG       = Ace by DAISY: no accessibility violation

$(foreach l,$(EPUB_EDITIONS),$(BUILDDIR)/$(l)/epubcheck.ok) &: \
		$(foreach l,$(EPUB_EDITIONS),$(BUILDDIR)/$(l)/epub.stamp)
	$(Q)$(call CHECK_EPUBS,tools/check_epub.py,epubcheck,$(EPUB_EDITIONS),$(EPUBCHECK_LOG))
$(foreach l,$(EPUB_EDITIONS),$(BUILDDIR)/$(l)/ace.ok) &: \
		$(foreach l,$(EPUB_EDITIONS),$(BUILDDIR)/$(l)/epub.stamp)
	$(Q)$(call CHECK_EPUBS,tools/check_ace.py,ace,$(EPUB_EDITIONS),$(ACE_LOG))
# Make starts the steps that are ready in the order it finds them, and a
# step that becomes ready later waits behind all of them.  When a run builds
# every edition, the HTML builders (the shortest steps) therefore wait for
# the EPUBs, so that the EPUB checkers, the longest steps after LaTeX, are
# found ready before them instead of after them.
ifneq ($(WHOLE_BOOK),)
$(foreach l,$(EPUB_EDITIONS),$(BUILDDIR)/$(l)/html.stamp): \
		| $(foreach l,$(EPUB_EDITIONS),$(BUILDDIR)/$(l)/epub.stamp)
endif
# An edition outside them (e.g. `make dist/mlops-handbook-en.epub`) on its own.
$(BUILDDIR)/%/epubcheck.ok: $(BUILDDIR)/%/epub.stamp
	$(Q)$(call CHECK_EPUBS,tools/check_epub.py,epubcheck,$*,$(EPUBCHECK_LOG))
$(BUILDDIR)/%/ace.ok: $(BUILDDIR)/%/epub.stamp
	$(Q)$(call CHECK_EPUBS,tools/check_ace.py,ace,$*,$(ACE_LOG))

# Ace first: of two steps that become ready together, make starts first the
# one it finds first, and Ace is the longest step of a cold build.
$(DISTDIR)/mlops-handbook-%.epub: $(BUILDDIR)/%/ace.ok $(BUILDDIR)/%/epubcheck.ok
	$(Q)$(TOOL) tools/check_artifacts.py epub $(BUILDDIR)/$*/epub/mlops-handbook.epub $*
	$(Q)$(call PUBLISH_FILE,$(BUILDDIR)/$*/epub/mlops-handbook.epub,$@)
	@$(call LOG,$*/epub,gates passed -> $@)

# The site's root page: a choice between the editions (their titles come
# from locales/editions.toml).
$(DISTDIR)/html/index.html: locales/editions.toml tools/language_index.py | setup
	$(Q)mkdir -p $(dir $@)
	$(Q)$(TOOL) tools/language_index.py $@ $(LANGS)

# Each HTML edition offers its own PDF and EPUB for download (the sidebar
# links to them), so they are copied into it, and into its zip.
$(DISTDIR)/html/%/.downloads: $(DISTDIR)/html/%/index.html \
                              $(DISTDIR)/mlops-handbook-%.pdf $(DISTDIR)/mlops-handbook-%.epub
	$(Q)$(foreach f,mlops-handbook-$*.pdf mlops-handbook-$*.epub,\
	  $(call PUBLISH_FILE,$(DISTDIR)/$(f),$(DISTDIR)/html/$*/$(f)) &&) true
	$(Q)touch $@

# The HTML site of one edition as a zip that works from disk (file://).
$(DISTDIR)/mlops-handbook-%-html.zip: $(DISTDIR)/html/%/.downloads
	$(Q)$(UNSEAL) && $(TOOL) tools/release.py zip $(DISTDIR)/html/$* mlops-handbook-$* $@

# The edition's intersphinx inventory, for projects that link to it.
$(DISTDIR)/mlops-handbook-%-objects.inv: $(DISTDIR)/html/%/index.html
	$(Q)$(call PUBLISH_FILE,$(DISTDIR)/html/$*/objects.inv,$@)

ARTIFACTS = $(foreach l,$(LANGS),mlops-handbook-$(l).pdf mlops-handbook-$(l).epub \
                                 mlops-handbook-$(l)-html.zip mlops-handbook-$(l)-objects.inv)

# The checksums close a release: written only once the formats agree
# (every chapter, figure, term and reference in HTML, PDF and EPUB).
$(DISTDIR)/SHA256SUMS: $(addprefix $(DISTDIR)/,$(ARTIFACTS))
	$(Q)$(TOOL) tools/check_artifacts.py all $(DISTDIR) $(BUILDDIR) $(LANGS)
	$(Q)cd $(DISTDIR) && sha256sum $(ARTIFACTS) > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
	@$(call LOG,dist,formats agree across editions -> $@)

# Versioned copies for a release: mlops-handbook-<version>-<lang>.<ext>, the
# version being the one in pyproject.toml.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
.PHONY: release
release: dist
	$(Q)rm -rf $(DISTDIR)/release.new && mkdir -p $(DISTDIR)/release.new
	$(Q)$(foreach a,$(ARTIFACTS),cp $(DISTDIR)/$(a) \
	  $(DISTDIR)/release.new/$(subst mlops-handbook-,mlops-handbook-$(VERSION)-,$(a)) &&) true
	$(Q)cd $(DISTDIR)/release.new && sha256sum * > SHA256SUMS
	$(Q)rm -rf $(DISTDIR)/release && mv $(DISTDIR)/release.new $(DISTDIR)/release
	@$(call LOG,release,$(VERSION) -> $(DISTDIR)/release/)

.PHONY: html pdf epub latex all dist
html:  $(DISTDIR)/html/$(BOOK_LANG)/index.html
pdf:   $(DISTDIR)/mlops-handbook-$(BOOK_LANG).pdf
epub:  $(DISTDIR)/mlops-handbook-$(BOOK_LANG).epub
latex: $(BUILDDIR)/$(BOOK_LANG)/latex.stamp
all: dist
dist: $(DISTDIR)/html/index.html $(DISTDIR)/SHA256SUMS \
      $(foreach l,$(LANGS),$(DISTDIR)/html/$(l)/.downloads)
	@$(BIN)/python tools/summary.py $(DISTDIR) $(LANGS)

# Read the Docs
# -------------

# What .readthedocs.yaml runs: one edition, the one of READTHEDOCS_LANGUAGE,
# with citations and language links at the addresses Read the Docs serves
# (from READTHEDOCS_CANONICAL_URL), built by the rules above and copied into
# the folders it hosts.  tools/readthedocs.py says which make variables.
.PHONY: readthedocs readthedocs-output
readthedocs: | setup
	$(Q)settings="$$($(BIN)/python tools/readthedocs.py settings)" && \
	$(MAKE) --no-print-directory readthedocs-output $$settings
readthedocs-output: $(DISTDIR)/html/$(BOOK_LANG)/.downloads \
                    $(DISTDIR)/mlops-handbook-$(BOOK_LANG)-html.zip
	$(Q)$(TOOL) tools/readthedocs.py layout $(DISTDIR) $(BOOK_LANG) "$${READTHEDOCS_OUTPUT:?set by Read the Docs}"

# Authoring
# ---------

# Translation
# -----------

# Message templates (.pot), one per source document, from the Spanish text.
.PHONY: gettext
gettext: setup
	$(Q)rm -rf $(BUILDDIR)/gettext
	$(Q)$(SPHINXBUILD) -b gettext -c $(CONFDIR) -d $(BUILDDIR)/es/doctrees/gettext \
	  -D language=es $(SPHINXOPTS) $(SOURCEDIR) $(BUILDDIR)/gettext

# Create or update locales/<lang>/LC_MESSAGES/<document>.po for each
# translated language in LANGS (`make update-po LANGS=pt` starts Portuguese).
.PHONY: update-po
# The interface words (locales/handbook.pot, English message ids) get a
# catalog in every language but English.
update-po: gettext
	$(Q)$(foreach l,$(TRANSLATIONS),$(BIN)/sphinx-intl update -p $(BUILDDIR)/gettext \
	  -d $(LOCALEDIR) -l $(l) -w 79 >/dev/null && ) true
	$(Q)$(foreach l,$(filter-out en,$(TRANSLATIONS)),$(BIN)/sphinx-intl update -p locales \
	  -d $(LOCALEDIR) -l $(l) -w 79 >/dev/null && ) true
	$(TOOL) _ext/i18n_stats.py $(LOCALEDIR) $(TRANSLATIONS)

# Translation progress of each catalog (fuzzy counts as untranslated).
.PHONY: i18n-stats
i18n-stats: setup
	$(TOOL) _ext/i18n_stats.py $(LOCALEDIR) $(TRANSLATIONS)

# Translation QA: catalogs in step with the sources, complete, no fuzzy,
# references intact, glossary terms consistent, msgfmt --check; then the
# spelling of the Spanish text and of each translation (hunspell).
.PHONY: i18n-check
i18n-check: gettext
	$(Q)$(TOOL) tools/check_catalogs.py $(BUILDDIR)/gettext $(LOCALEDIR) $(TRANSLATIONS)
	@$(call LOG,check,catalogs of $(TRANSLATIONS))
	$(Q)$(TOOL) tools/check_spelling.py $(BUILDDIR)/gettext $(LOCALEDIR) $(TRANSLATIONS)
	@$(call LOG,check,spelling (hunspell))

.PHONY: serve
serve: setup
	+$(BIN)/sphinx-autobuild -c $(CONFDIR) -D language=$(BOOK_LANG) \
	  -d $(BUILDDIR)/$(BOOK_LANG)/doctrees/serve $(SOURCEDIR) $(BUILDDIR)/$(BOOK_LANG)/serve

.PHONY: covers
covers: setup
	$(TOOL) tools/make_cover.py $(LANGS)

# Checks
# ------

# The guards that read the built book (the build itself already fails on
# broken references, citations, bibliography entries and glossary terms).
.PHONY: check
check: all i18n-check
	$(Q)$(TOOL) tools/check_links.py $(DISTDIR)/html $(foreach l,$(LANGS),$(DISTDIR)/mlops-handbook-$(l).epub)
	@$(call LOG,check,links of the HTML sites and EPUBs)
	$(Q)$(TOOL) tools/check_epub.py $(foreach l,$(LANGS),$(DISTDIR)/mlops-handbook-$(l).epub)
	@$(call LOG,check,EPUBCheck)
	$(Q)$(TOOL) tools/check_ace.py $(foreach l,$(LANGS),$(DISTDIR)/mlops-handbook-$(l).epub)
	@$(call LOG,check,Ace by DAISY (EPUB accessibility))
	$(Q)$(TOOL) tools/check_axe.py $(DISTDIR)/html
	@$(call LOG,check,axe-core on every HTML page)
	$(Q)$(TOOL) tools/check_anchors.py check $(SOURCEDIR)/anchors.json $(foreach l,$(LANGS),$(DISTDIR)/html/$(l))
	@$(call LOG,check,public anchors ($(SOURCEDIR)/anchors.json))
	$(Q)$(TOOL) tools/check_artifacts.py all $(DISTDIR) $(BUILDDIR) $(LANGS)
	$(Q)cd $(DISTDIR) && sha256sum --check --quiet SHA256SUMS
	@$(call LOG,check,release gates and SHA256SUMS)

# Rewrite the manifest of public anchors after adding chapters, sections,
# figures or glossary terms (removing one fails `make check`).
.PHONY: anchors
anchors: $(DISTDIR)/html/es/index.html
	$(TOOL) tools/check_anchors.py write $(SOURCEDIR)/anchors.json $(DISTDIR)/html/es

# Tests
# -----

# The test suite runs every gate of `make check` on the real book once
# (tests marked "book": links, EPUBCheck, anchors, catalogs, spelling,
# release gates, checksums), so it needs the book built, not checked.
.PHONY: test
test: all
	+$(Q)HANDBOOK_BUILT=1 $(BIN)/python -m pytest $(PYTESTOPTS)

# Benchmark: cold, no-op and incremental builds, stages, diagrams, scaling
# (writes _build/bench/bench.md and bench.json; takes a while).
.PHONY: bench
bench: setup
	+$(TOOL) tools/bench.py $(BENCHOPTS)

# The README's two commands in a new Debian root made from Debian's packages
# (mmdebstrap), with nothing of this machine but its network trust settings.
SUITE   ?= bookworm
VARIANT ?= plain
.PHONY: clean-room
clean-room:
	+$(Q)$(PYTHON) tools/clean_room.py --suite $(SUITE) --variant $(VARIANT)

.PHONY: clean
clean:
	rm -rf $(BUILDDIR) $(DISTDIR)
