"""Publishing: the Read the Docs configuration and the CI workflow, checked
offline, and the Read the Docs build of both editions run here.

The configuration files are validated against the schemas that
check-jsonschema ships (Read the Docs, GitHub workflows) and the workflow
with actionlint (expressions, job graph, and the shell of its steps through
shellcheck).  The harness runs the jobs of ``.readthedocs.yaml`` with the
variables Read the Docs sets, in a shallow clone as Read the Docs makes one,
for each edition, and reads what they leave where Read the Docs looks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from conftest import EDITIONS, RELEASE, ROOT, numbered_chapters

sys.path.insert(0, str(ROOT / "tools"))
import readthedocs  # noqa: E402
import system_deps  # noqa: E402

RTD_CONFIG = ROOT / ".readthedocs.yaml"
WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"
BIN = ROOT / ".venv" / "bin"
HOST = "https://mlops-handbook.readthedocs.io"
LANGS = list(EDITIONS)
# Documents renamed or merged: their pages are redirects (book/anchors.json).
MOVED = json.loads((ROOT / "book" / "anchors.json").read_text(encoding="utf-8"))["moved"]


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True)


def actionlint(path: Path) -> subprocess.CompletedProcess:
    # actionlint runs shellcheck on each step's script when it is on PATH.
    assert shutil.which("shellcheck"), "shellcheck missing: make system-deps installs it"
    return subprocess.run([str(BIN / "actionlint"), "-no-color", path.name], cwd=path.parent,
                          capture_output=True, text=True)


def rtd_config() -> dict:
    return yaml.safe_load(RTD_CONFIG.read_text(encoding="utf-8"))


# The configuration files, against their schemas
# ----------------------------------------------

def test_readthedocs_config_is_valid():
    proc = check_jsonschema("vendor.readthedocs", RTD_CONFIG)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflow_is_valid_and_passes_actionlint():
    proc = check_jsonschema("vendor.github-workflows", WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = actionlint(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_broken_readthedocs_config_fails_naming_the_key(tmp_path):
    config = rtd_config()
    config["build"]["os"] = "debian-12"
    config["build"]["apt_package"] = config["build"].pop("apt_packages")
    broken = tmp_path / ".readthedocs.yaml"
    broken.write_text(yaml.safe_dump(config), encoding="utf-8")
    proc = check_jsonschema("vendor.readthedocs", broken)
    assert proc.returncode == 1
    assert f"{broken}::$.build.os: 'debian-12' is not one of" in proc.stdout, proc.stdout
    assert "'apt_package' was unexpected" in proc.stdout, proc.stdout


def test_a_broken_workflow_fails_naming_file_and_line(tmp_path):
    text = WORKFLOW.read_text(encoding="utf-8")
    broken = tmp_path / "build.yml"
    # A job that needs one that does not exist, and a step whose shell
    # splits an unquoted variable.
    broken.write_text(text.replace("needs: [test, edition]", "needs: [test, editions]")
                          .replace('touch .venv/.installed', 'touch $VENV_DIR/.installed'),
                      encoding="utf-8")
    proc = actionlint(broken)
    assert proc.returncode == 1
    job = text[:text.index("\n  release:")].count("\n") + 2
    assert f'build.yml:{job}:3: job "release" needs job "editions" which does not exist' \
        in proc.stdout, proc.stdout
    assert "SC2086" in proc.stdout, proc.stdout  # shellcheck, through actionlint
    # The schema alone catches what is not a workflow at all.
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1),
                      encoding="utf-8")
    proc = check_jsonschema("vendor.github-workflows", broken)
    assert proc.returncode == 1
    assert f"{broken}::$.jobs.test" in proc.stdout, proc.stdout


# The configuration files, against the project
# --------------------------------------------

def test_readthedocs_installs_every_package_that_setup_probes():
    """Read the Docs has no apt at build time: ``make setup`` there finds
    every probe of tools/system_deps.py satisfied, or fails."""
    provided_otherwise = {
        "chromium": "Chrome for Testing, installed by post_system_dependencies",
        "chromium-headless-shell": "the same Chrome for Testing (CHROMIUM)",
        "nodejs": "build.tools.nodejs", "npm": "build.tools.nodejs",
        "python3-venv": "build.tools.python",
        "make": "the build image", "git": "the build image", "ca-certificates": "the build image",
    }
    probed = {package for package, _, _ in system_deps.PROBES}
    listed = set(rtd_config()["build"]["apt_packages"])
    assert probed - listed == set(provided_otherwise), sorted(probed - listed)


def test_setup_probes_the_browser_that_chromium_names():
    def asked(**env: str) -> list[str]:
        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "system_deps.py"),
                               "--dry-run"], capture_output=True, text=True,
                              env={**os.environ, **env})
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.partition("--no-install-recommends")[2].split()

    assert not {"chromium", "chromium-headless-shell"} & set(
        asked(CHROMIUM=shutil.which("chromium") or "/usr/bin/chromium"))
    assert {"chromium", "chromium-headless-shell"} <= set(
        asked(CHROMIUM="/nonexistent/chrome-linux64/chrome"))


def test_readthedocs_browser_is_the_locked_puppeteer_revision():
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]["node_modules/puppeteer"]["version"]
    install = " ".join(rtd_config()["build"]["jobs"]["post_system_dependencies"])
    assert f"puppeteer@{locked} browsers install chrome" in install


def test_readthedocs_builds_with_the_makefile_only():
    jobs = rtd_config()["build"]["jobs"]
    assert "sphinx" not in rtd_config() and "commands" not in rtd_config()["build"]
    assert [c.split(" CHROMIUM=")[0] for c in jobs["install"]] == ["make setup"]
    assert [c.split(" CHROMIUM=")[0] for c in jobs["build"]["html"]] == ["make readthedocs"]


def test_release_tags_are_the_version_the_workflow_checks():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    tags = workflow[True]["push"]["tags"]  # PyYAML reads the key 'on' as True
    # GitHub's filter patterns: '+' repeats the preceding character class.
    pattern = "".join(re.escape(p) if p == "." else p for p in re.split(r"(\.)", tags[0]))
    assert re.fullmatch(pattern, RELEASE), (tags, RELEASE)
    steps = [s.get("run", "") for s in workflow["jobs"]["release"]["steps"]]
    assert "make release" in steps
    assert any("dist/release/*" in s and "gh release" in s for s in steps)


def test_only_the_release_job_checks_from_scratch():
    """Builds for review reuse the checkers' verdicts; a release does not."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    cached = {job: any(step.get("with", {}).get("path") == "_build/checker-cache"
                       for step in spec["steps"])
              for job, spec in workflow["jobs"].items()}
    assert cached == {"test": True, "edition": True, "release": False}


# tools/readthedocs.py settings
# -----------------------------

def test_edition_addresses_from_a_base_url_or_a_template():
    import edition_data
    assert edition_data.edition_url("", "en") == ""
    assert edition_data.edition_url("https://example.org/manual", "en") == \
        "https://example.org/manual/en/"
    assert edition_data.edition_url(f"{HOST}/{{lang}}/latest", "en") == f"{HOST}/en/latest/"


def rtd_env(lang: str, **extra: str) -> dict[str, str]:
    return {"READTHEDOCS": "True", "READTHEDOCS_LANGUAGE": lang,
            "READTHEDOCS_VERSION": RELEASE, "READTHEDOCS_VERSION_NAME": RELEASE,
            "READTHEDOCS_VERSION_TYPE": "tag",
            "READTHEDOCS_CANONICAL_URL": f"{HOST}/{lang}/{RELEASE}/", **extra}


def test_settings_take_the_edition_and_its_hosted_address():
    assert readthedocs.settings(rtd_env("en"), EDITIONS, RELEASE) == {
        "LANG": "en", "HANDBOOK_BASE_URL": f"{HOST}/{{lang}}/{RELEASE}/"}
    env = rtd_env("es", READTHEDOCS_VERSION_TYPE="branch", READTHEDOCS_VERSION="latest",
                  READTHEDOCS_CANONICAL_URL="https://docs.example.org/es/latest/")
    assert readthedocs.settings(env, EDITIONS, RELEASE)["HANDBOOK_BASE_URL"] == \
        "https://docs.example.org/{lang}/latest/"


@pytest.mark.parametrize("env, message", [
    ({"READTHEDOCS_LANGUAGE": ""}, "READTHEDOCS_LANGUAGE not set"),
    ({"READTHEDOCS_LANGUAGE": "pt_BR"},
     "READTHEDOCS_LANGUAGE='pt_BR' is not an edition of locales/editions.toml (es, en)"),
    ({"READTHEDOCS_CANONICAL_URL": f"{HOST}/"}, "has no /es/ folder"),
    ({"READTHEDOCS_CANONICAL_URL": "/es/latest/"}, "is not an http(s) URL"),
    ({"READTHEDOCS_VERSION_NAME": "9.9.9"},
     f"git tag '9.9.9' builds version '{RELEASE}' of pyproject.toml"),
])
def test_settings_refuse_what_read_the_docs_cannot_host(env, message):
    with pytest.raises(readthedocs.SettingsError, match=re.escape(message)):
        readthedocs.settings(rtd_env("es", **env), EDITIONS, RELEASE)


def test_make_readthedocs_outside_read_the_docs_says_what_is_missing():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READTHEDOCS", "MAKE"))}
    proc = subprocess.run(["make", "--no-print-directory", "readthedocs"], cwd=ROOT,
                          capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    assert "error: READTHEDOCS_LANGUAGE, READTHEDOCS_CANONICAL_URL not set" in proc.stderr


# The Read the Docs build, run here
# ---------------------------------

# Variables of the test run's own make (make test) that a build on Read the
# Docs would not have: the clone must find its dates in its own history.
PARENT_MAKE = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "SOURCE_DATE_EPOCH", "DIAGRAM_CACHE",
               "PYTHONPATH", "V", "CHROMIUM")


def clone_as_read_the_docs(dest: Path) -> Path:
    """The committed HEAD, cloned as Read the Docs clones (depth 50), with
    this checkout's installed environment, diagram cache and checker cache
    standing in for the install job's downloads and caches that are warm."""
    subprocess.run(["git", "clone", "-q", "--depth", "50", f"file://{ROOT}", str(dest)],
                   check=True)
    total = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout)
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=dest,
                             capture_output=True, text=True, check=True).stdout.strip()
    assert shallow == ("true" if total > 50 else "false")
    for name in (".venv", "node_modules"):
        (dest / name).symlink_to(ROOT / name)
    # Installed already: the lock files are older than the stamps.
    for name in ("requirements.lock", "pyproject.toml", "package-lock.json", "package.json"):
        os.utime(dest / name, (0, 0))
    for cache in ("diagram-cache", "checker-cache"):
        if (ROOT / "_build" / cache).is_dir():
            # Other tests may be adding entries (written as *.tmp, renamed).
            shutil.copytree(ROOT / "_build" / cache, dest / "_build" / cache,
                            ignore=shutil.ignore_patterns("*.tmp"))
    # What post_system_dependencies downloads (Chrome for Testing), laid
    # where it would be: Debian's Chromium here.
    browser = dest / "_build" / "browser" / "chrome" / "linux-local" / "chrome-linux64"
    browser.mkdir(parents=True)
    (browser / "chrome").symlink_to(shutil.which("chromium") or "/usr/bin/chromium")
    return dest


def run_jobs(checkout: Path, env: dict[str, str]) -> str:
    """The jobs of .readthedocs.yaml after the download, in Read the Docs'
    order, each command in a shell of its own; their output."""
    jobs = yaml.safe_load((checkout / ".readthedocs.yaml").read_text(encoding="utf-8"))
    jobs = jobs["build"]["jobs"]
    commands = [*jobs["install"], *(c for fmt in ("html", "htmlzip", "pdf", "epub")
                                    for c in jobs["build"][fmt])]
    log = []
    for command in commands:
        proc = subprocess.run(["bash", "-c", command], cwd=checkout, env=env,
                              capture_output=True, text=True)
        log.append(f"$ {command}\n{proc.stdout}{proc.stderr}")
        assert proc.returncode == 0, "\n".join(log)
    return "\n".join(log)


# Every test of the hosted builds runs on one worker (pytest-xdist), so that
# the builds are made once per session, not once per worker.
HOSTED = pytest.mark.xdist_group("read-the-docs")


@pytest.fixture(scope="module")
def hosted(book, tmp_path_factory) -> dict[str, Path]:
    """``{lang: READTHEDOCS_OUTPUT}`` of each edition's Read the Docs build of
    version RELEASE (a tag).  ``book`` first, for the warm diagram cache.
    The editions are separate Read the Docs projects, each built in a clone
    of its own: here the two builds run side by side."""
    from concurrent.futures import ThreadPoolExecutor

    base_env = {k: v for k, v in os.environ.items() if k not in PARENT_MAKE}

    # Made here, not in the threads: pytest's temporary-directory factory is
    # not thread-safe (two first calls race to create the base directory).
    roots = {lang: tmp_path_factory.mktemp(f"rtd-{lang}") for lang in LANGS}

    def build(lang: str) -> Path:
        checkout = clone_as_read_the_docs(roots[lang] / "checkout")
        output = checkout / "_readthedocs"
        start = time.monotonic()
        run_jobs(checkout, {**base_env, **rtd_env(lang), "READTHEDOCS_OUTPUT": str(output)})
        print(f"Read the Docs build of {lang}: {time.monotonic() - start:.0f} s")
        return output

    with ThreadPoolExecutor(len(LANGS)) as pool:
        return dict(zip(LANGS, pool.map(build, LANGS)))


def chapter_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.glob("*.html"))
            if BeautifulSoup(p.read_text(encoding="utf-8"), "lxml").select_one("div.chapter-citation")]


@HOSTED
@pytest.mark.parametrize("lang", LANGS)
def test_read_the_docs_layout(hosted, lang):
    out = hosted[lang]
    assert (out / "html" / "index.html").is_file()
    assert sorted(os.listdir(out / "pdf")) == [f"mlops-handbook-{lang}.pdf"]
    assert sorted(os.listdir(out / "epub")) == [f"mlops-handbook-{lang}.epub"]
    assert sorted(os.listdir(out / "htmlzip")) == [f"mlops-handbook-{lang}-html.zip"]
    with zipfile.ZipFile(out / "htmlzip" / f"mlops-handbook-{lang}-html.zip") as site_zip:
        assert f"mlops-handbook-{lang}/index.html" in site_zip.namelist()
    # The sidebar's downloads are inside the site, next to the pages.
    assert (out / "html" / f"mlops-handbook-{lang}.pdf").read_bytes() == \
        (out / "pdf" / f"mlops-handbook-{lang}.pdf").read_bytes()
    assert not {".buildinfo", ".downloads"} & set(os.listdir(out / "html"))


@HOSTED
@pytest.mark.parametrize("lang", LANGS)
def test_citations_carry_the_hosted_versioned_address(hosted, lang):
    base = f"{HOST}/{lang}/{RELEASE}/"
    commit_day = time.strftime("%Y-%m-%d", time.gmtime(int(subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True,
        check=True).stdout)))
    pages = chapter_pages(hosted[lang] / "html")
    assert len(pages) == len(numbered_chapters())
    for page in pages:
        url = f"{base}{page.name}"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        assert soup.find("link", rel="canonical")["href"] == url
        block = soup.select_one("div.chapter-citation")
        assert block.find("a", href=url) is not None, page.name
        entry = next(iter(parse_string(block.pre.get_text(), "bibtex").entries.values()))
        assert entry.fields["url"] == url
        # The date of the commit built, read from the shallow clone's history.
        assert entry.fields["date"] == commit_day, page.name
        metas = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}
        assert metas["citation_public_url"] == url
        assert metas["citation_pdf_url"] == f"{base}mlops-handbook-{lang}.pdf"


@HOSTED
def test_editions_link_to_each_other_at_their_hosted_addresses(hosted):
    for lang in LANGS:
        for page in sorted((hosted[lang] / "html").glob("*.html")):
            if page.stem in MOVED:  # a redirect page (book/anchors.json), no switcher
                continue
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
            for other in LANGS:
                if other == lang:
                    continue
                url = f"{HOST}/{other}/{RELEASE}/{page.name}"
                link = soup.select_one(f'.language-switcher a[hreflang="{other}"]')
                assert link is not None and link["href"] == url, f"{lang}/{page.name}"
                assert soup.find("link", rel="alternate", hreflang=other)["href"] == url
                # ... and the other edition's build has that page.
                assert (hosted[other] / "html" / page.name).is_file(), url
