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
.SHELLFLAGS  := -eu -o pipefail -c
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
# Published files are built through pattern chains (html/<lang>/index.html
# -> .downloads -> zip); none of them is a disposable intermediate file.
.SECONDARY:

PYTHON       ?= python3
VENV         ?= .venv
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
SPHINXBUILD  := $(BIN)/sphinx-build
VENV_STAMP   := $(VENV)/.installed
NODE_STAMP   := node_modules/.installed

# Rendered diagrams, shared by every builder and language and kept across
# builds (see _ext/diagram_renderer.py); `make clean` empties it too.
export DIAGRAM_CACHE := $(abspath $(BUILDDIR))/diagram-cache
# The Mermaid CLI drives Debian's Chromium: puppeteer must not fetch its own.
export PUPPETEER_SKIP_DOWNLOAD := 1

# Dates printed in the book, PDF metadata and archives come from the last
# commit, so two builds of one commit are identical.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1700000000)
export SOURCE_DATE_EPOCH
export FORCE_SOURCE_DATE := 1

# Everything a build reads; a change here makes the outputs stale.  The
# catalogs of a language (locales/<lang>/) matter to that language only, and
# the command-line tools in _ext/ (checks, benchmark) to no build.
TOOLS   := bench check_artifacts check_catalogs check_links spellcheck make_cover \
           release language_index i18n_stats_cli
SOURCES := $(CONFDIR)/conf.py $(wildcard requirements.lock package-lock.json) \
           $(shell find $(SOURCEDIR) _ext _static _templates -type f \
                     -not -path '*/__pycache__/*' $(foreach t,$(TOOLS),-not -name $(t).py) \
                     2>/dev/null)
CATALOGS = $(shell find $(LOCALEDIR)/$(1) -type f -not -name '*.mo' 2>/dev/null)

# System packages (Debian/Ubuntu) that the build needs.
APT_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
                texlive-fonts-recommended texlive-lang-spanish \
                texlive-lang-english latexmk xindy fonts-texgyre fonts-dejavu-core \
                poppler-utils default-jre-headless chromium nodejs npm gettext \
                hunspell hunspell-es hunspell-en-us git make
# One command per package above that proves it is installed.
APT_PROBES   := xelatex latexmk xindy java pdftoppm chromium node npm msgfmt hunspell kpsewhich
APT_FILES    := /usr/share/texlive/texmf-dist/tex/generic/hyph-utf8/patterns/tex/hyph-es.tex \
                /usr/share/texmf/fonts/opentype/public/tex-gyre/texgyrepagella-regular.otf \
                /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf \
                /usr/share/hunspell/es_ES.dic /usr/share/hunspell/en_US.dic

# sphinx-build for builder $(1) and language $(2), with a doctree folder per
# builder and language.  Sphinx notices changed sources and settings but not
# changed local extensions, nor a changed catalog of its own interface
# messages (locales/<lang>/LC_MESSAGES/sphinx.po): when one is newer than
# the saved environment, the sources are read again (-E).
SPHINX_BUILD = $(SPHINXBUILD) -b $(1) -c $(CONFDIR) \
	-d $(BUILDDIR)/$(2)/doctrees/$(1) -D language=$(2) -j $(JOBS) \
	$(if $(call EXT_CHANGED,$(1),$(2)),-E) \
	$(SPHINXOPTS) $(SOURCEDIR) $(BUILDDIR)/$(2)/$(1)
EXT_CHANGED = $(shell find _ext $(wildcard $(LOCALEDIR)/$(2)/LC_MESSAGES/sphinx.po) \
	\( -name '*.py' $(foreach t,$(TOOLS),-not -name $(t).py) -o -name sphinx.po \) \
	-newer $(BUILDDIR)/$(2)/doctrees/$(1)/environment.pickle 2>/dev/null | head -1)

# Copy file $(1) to $(2) through a temporary name in the same folder.  Any
# publication first withdraws SHA256SUMS, which is written again last: an
# interrupted build never leaves checksums that no longer match.
UNSEAL       = rm -f $(DISTDIR)/SHA256SUMS
PUBLISH_FILE = $(UNSEAL) && mkdir -p $(dir $(2)) && cp $(1) $(2).tmp && mv -f $(2).tmp $(2)
# Replace folder $(2) by a copy of folder $(1), swapping it in at the end.
PUBLISH_DIR  = $(UNSEAL) && mkdir -p $(dir $(2)) && rm -rf $(2).new $(2).old \
	&& cp -a $(1) $(2).new && { [ ! -e $(2) ] || mv $(2) $(2).old; } \
	&& mv $(2).new $(2) && rm -rf $(2).old

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
	@echo "  check        link check of HTML and EPUB, EPUBCheck, translation QA (after all)"
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

# Set-up
# ------

.PHONY: setup
setup: $(VENV_STAMP) $(NODE_STAMP) | system-deps

$(VENV_STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

# The diagram renderer: @mermaid-js/mermaid-cli at the version in
# package-lock.json.
$(NODE_STAMP): package-lock.json package.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: system-deps
system-deps:
	@missing=""; \
	for cmd in $(APT_PROBES); do command -v $$cmd >/dev/null || missing="$$missing $$cmd"; done; \
	for f in $(APT_FILES); do [ -e $$f ] || missing="$$missing $$f"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "Missing:$$missing; installing system packages."; \
	cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(APT_PACKAGES)"; \
	if [ "$$(id -u)" = 0 ]; then bash -c "$$cmd"; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo bash -c "$$cmd"; \
	else echo "Cannot install system packages: run this as root, then 'make' again:"; \
	     echo "  sudo bash -c '$$cmd'"; exit 1; fi

# Builds
# ------

# The one build rule: $(BUILDDIR)/<lang>/<builder>.stamp
.PRECIOUS: $(BUILDDIR)/%.stamp
.SECONDEXPANSION:
$(BUILDDIR)/%.stamp: $(SOURCES) $$(call CATALOGS,$$(firstword $$(subst /, ,$$*))) | setup
	$(eval lang    := $(word 1,$(subst /, ,$*)))
	$(eval builder := $(word 2,$(subst /, ,$*)))
	@# The EPUB packs whatever is in its output folder: start it empty so
	@# that files of earlier builds never end up in the book.  Other
	@# builders start empty when a document was added, renamed or removed,
	@# so that no page of a removed document is published.
	$(if $(filter epub,$(builder)),rm -rf $(BUILDDIR)/$(lang)/epub)
	docs="$$(cd $(SOURCEDIR) && find . -name '*.md' | LC_ALL=C sort | md5sum)"; \
	[ "$$docs" = "$$(cat $(BUILDDIR)/$(lang)/$(builder).docs 2>/dev/null)" ] \
	  || rm -rf $(BUILDDIR)/$(lang)/$(builder); \
	mkdir -p $(BUILDDIR)/$(lang) && echo "$$docs" > $(BUILDDIR)/$(lang)/$(builder).docs.new
	$(call SPHINX_BUILD,$(builder),$(lang))
	mv $(BUILDDIR)/$(lang)/$(builder).docs.new $(BUILDDIR)/$(lang)/$(builder).docs
	touch $@

# Each artifact passes its gates (_ext/check_artifacts.py, EPUBCheck) before
# it replaces the published one.
$(DISTDIR)/html/%/index.html: $(BUILDDIR)/%/html.stamp
	$(BIN)/python _ext/check_artifacts.py html $(BUILDDIR)/$*/html $*
	$(call PUBLISH_DIR,$(BUILDDIR)/$*/html,$(DISTDIR)/html/$*)
	rm -f $(DISTDIR)/html/$*/.buildinfo
	touch $@

$(DISTDIR)/mlops-handbook-%.pdf: $(BUILDDIR)/%/latex.stamp
	$(BIN)/python _ext/latex_run.py $(BUILDDIR)/$*/latex/mlops-handbook.tex
	$(BIN)/python _ext/check_artifacts.py pdf $(BUILDDIR)/$*/latex/mlops-handbook.pdf $*
	$(call PUBLISH_FILE,$(BUILDDIR)/$*/latex/mlops-handbook.pdf,$@)

$(DISTDIR)/mlops-handbook-%.epub: $(BUILDDIR)/%/epub.stamp
	$(BIN)/python _ext/epub_check.py $(BUILDDIR)/$*/epub/mlops-handbook.epub
	$(BIN)/python _ext/check_artifacts.py epub $(BUILDDIR)/$*/epub/mlops-handbook.epub $*
	$(call PUBLISH_FILE,$(BUILDDIR)/$*/epub/mlops-handbook.epub,$@)

# The site's root page: a choice between the editions.
$(DISTDIR)/html/index.html: $(CONFDIR)/conf.py _ext/language_index.py | setup
	mkdir -p $(dir $@)
	$(BIN)/python _ext/language_index.py $@ $(LANGS)

# Each HTML edition offers its own PDF and EPUB for download (the sidebar
# links to them), so they are copied into it, and into its zip.
$(DISTDIR)/html/%/.downloads: $(DISTDIR)/html/%/index.html \
                              $(DISTDIR)/mlops-handbook-%.pdf $(DISTDIR)/mlops-handbook-%.epub
	$(foreach f,mlops-handbook-$*.pdf mlops-handbook-$*.epub,\
	  $(call PUBLISH_FILE,$(DISTDIR)/$(f),$(DISTDIR)/html/$*/$(f)) &&) true
	touch $@

# The HTML site of one edition as a zip that works from disk (file://).
$(DISTDIR)/mlops-handbook-%-html.zip: $(DISTDIR)/html/%/.downloads
	$(UNSEAL) && $(BIN)/python _ext/release.py zip $(DISTDIR)/html/$* mlops-handbook-$* $@

# The edition's intersphinx inventory, for projects that link to it.
$(DISTDIR)/mlops-handbook-%-objects.inv: $(DISTDIR)/html/%/index.html
	$(call PUBLISH_FILE,$(DISTDIR)/html/$*/objects.inv,$@)

ARTIFACTS = $(foreach l,$(LANGS),mlops-handbook-$(l).pdf mlops-handbook-$(l).epub \
                                 mlops-handbook-$(l)-html.zip mlops-handbook-$(l)-objects.inv)

# The checksums close a release: written only once the formats agree
# (every chapter, figure, term and reference in HTML, PDF and EPUB).
$(DISTDIR)/SHA256SUMS: $(addprefix $(DISTDIR)/,$(ARTIFACTS))
	$(BIN)/python _ext/check_artifacts.py all $(DISTDIR) $(BUILDDIR) $(LANGS)
	cd $(DISTDIR) && sha256sum $(ARTIFACTS) > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS

# Versioned copies for a release: mlops-handbook-<version>-<lang>.<ext>, the
# version being the one in pyproject.toml.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
.PHONY: release
release: dist
	rm -rf $(DISTDIR)/release.new && mkdir -p $(DISTDIR)/release.new
	$(foreach a,$(ARTIFACTS),cp $(DISTDIR)/$(a) \
	  $(DISTDIR)/release.new/$(subst mlops-handbook-,mlops-handbook-$(VERSION)-,$(a)) &&) true
	cd $(DISTDIR)/release.new && sha256sum * > SHA256SUMS
	rm -rf $(DISTDIR)/release && mv $(DISTDIR)/release.new $(DISTDIR)/release
	@echo "release $(VERSION): $(DISTDIR)/release/"

.PHONY: html pdf epub latex all dist
html:  $(DISTDIR)/html/$(BOOK_LANG)/index.html
pdf:   $(DISTDIR)/mlops-handbook-$(BOOK_LANG).pdf
epub:  $(DISTDIR)/mlops-handbook-$(BOOK_LANG).epub
latex: $(BUILDDIR)/$(BOOK_LANG)/latex.stamp
all: dist
dist: $(DISTDIR)/html/index.html $(DISTDIR)/SHA256SUMS \
      $(foreach l,$(LANGS),$(DISTDIR)/html/$(l)/.downloads)

# Authoring
# ---------

# Translation
# -----------

# Message templates (.pot), one per source document, from the Spanish text.
.PHONY: gettext
gettext: setup
	rm -rf $(BUILDDIR)/gettext
	$(SPHINXBUILD) -b gettext -c $(CONFDIR) -d $(BUILDDIR)/es/doctrees/gettext \
	  -D language=es $(SPHINXOPTS) $(SOURCEDIR) $(BUILDDIR)/gettext

# Create or update locales/<lang>/LC_MESSAGES/<document>.po for each
# translated language in LANGS (`make update-po LANGS=pt` starts Portuguese).
.PHONY: update-po
update-po: gettext
	$(foreach l,$(TRANSLATIONS),$(BIN)/sphinx-intl update -p $(BUILDDIR)/gettext \
	  -d $(LOCALEDIR) -l $(l) -w 79 >/dev/null && ) true
	$(BIN)/python _ext/i18n_stats.py $(LOCALEDIR) $(TRANSLATIONS)

# Translation progress of each catalog (fuzzy counts as untranslated).
.PHONY: i18n-stats
i18n-stats: setup
	$(BIN)/python _ext/i18n_stats.py $(LOCALEDIR) $(TRANSLATIONS)

# Translation QA: catalogs in step with the sources, complete, no fuzzy,
# references intact, glossary terms consistent, msgfmt --check; then the
# spelling of the Spanish text and of each translation (hunspell).
.PHONY: i18n-check
i18n-check: gettext
	$(BIN)/python _ext/check_catalogs.py $(BUILDDIR)/gettext $(LOCALEDIR) $(TRANSLATIONS)
	$(BIN)/python _ext/spellcheck.py $(BUILDDIR)/gettext $(LOCALEDIR) $(TRANSLATIONS)

.PHONY: serve
serve: setup
	$(BIN)/sphinx-autobuild -c $(CONFDIR) -D language=$(BOOK_LANG) \
	  -d $(BUILDDIR)/$(BOOK_LANG)/doctrees/serve $(SOURCEDIR) $(BUILDDIR)/$(BOOK_LANG)/serve

.PHONY: covers
covers: setup
	$(BIN)/python _ext/make_cover.py $(LANGS)

# Checks
# ------

# The guards that read the built book (the build itself already fails on
# broken references, citations, bibliography entries and glossary terms).
.PHONY: check
check: all i18n-check
	$(BIN)/python _ext/check_links.py $(DISTDIR)/html $(foreach l,$(LANGS),$(DISTDIR)/mlops-handbook-$(l).epub)
	$(BIN)/python _ext/epub_check.py $(foreach l,$(LANGS),$(DISTDIR)/mlops-handbook-$(l).epub)
	$(BIN)/python _ext/anchors.py check $(SOURCEDIR)/anchors.json $(foreach l,$(LANGS),$(DISTDIR)/html/$(l))
	$(BIN)/python _ext/check_artifacts.py all $(DISTDIR) $(BUILDDIR) $(LANGS)
	cd $(DISTDIR) && sha256sum --check --quiet SHA256SUMS

# Rewrite the manifest of public anchors after adding chapters, sections,
# figures or glossary terms (removing one fails `make check`).
.PHONY: anchors
anchors: $(DISTDIR)/html/es/index.html
	$(BIN)/python _ext/anchors.py write $(SOURCEDIR)/anchors.json $(DISTDIR)/html/es

# Tests
# -----

.PHONY: test
test: check
	$(BIN)/python -m pytest $(PYTESTOPTS)

# Benchmark: cold, no-op and incremental builds, stages, diagrams, scaling
# (writes _build/bench/bench.md and bench.json; takes a while).
.PHONY: bench
bench: setup
	$(BIN)/python _ext/bench.py $(BENCHOPTS)

.PHONY: clean
clean:
	rm -rf $(BUILDDIR) $(DISTDIR)
