"""The README's quick start in a new Debian root: proof that set-up holds.

    python3 tools/clean_room.py [--suite bookworm|trixie] [--variant plain|node-present]
                                [--keep] [--workdir DIR]

Makes a minimal Debian root from Debian's packages with mmdebstrap (python3,
make, git and ca-certificates, nothing else), clones this repository's HEAD
into it, and runs the README's two commands inside it with chroot: ``make``,
then ``make test``.  /proc, /sys, /dev, /dev/pts and /dev/shm are mounted
for the run and unmounted again whatever happens.

Of this machine the root takes only its network trust settings: the extra
CA certificates installed with update-ca-certificates and the CA variables
(SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, ...), so that apt, pip and npm reach
the registries as they do here; a name server and the standard /etc/hosts,
as any installed machine has.

The ``node-present`` variant first puts Node.js and an npm that did not come
from Debian's ``npm`` package on the machine (Debian's nodejs and npm from
the npm registry, as NodeSource's nodejs bundles it), and forbids apt to
install the ``npm`` package (pin priority -1): a set-up that asks apt for
npm anyway fails there as it failed on such machines.

Needs root and mmdebstrap (installed with apt when missing).  Prints the
time of each stage; exits non-zero when any stage fails.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRRORS = {
    "bookworm": ["deb http://deb.debian.org/debian bookworm main",
                 "deb http://deb.debian.org/debian bookworm-updates main",
                 "deb http://deb.debian.org/debian-security bookworm-security main"],
    "trixie": ["deb http://deb.debian.org/debian trixie main",
               "deb http://deb.debian.org/debian trixie-updates main",
               "deb http://deb.debian.org/debian-security trixie-security main"],
}
BASE_PACKAGES = "python3,make,git,ca-certificates"
CA_VARIABLES = ["SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT",
                "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO"]
EXTRA_CA_DIR = Path("/usr/local/share/ca-certificates")
# The npm of the node-present variant (npm 10 runs on Node.js 18 and 20).
NPM_VERSION = "10.9.2"
HOSTS = "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"
CHECKOUT = "/root/mlops-handbook"


def log(message: str) -> None:
    print(f"[clean-room] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    subprocess.run(cmd, check=True, **kwargs)


class Mounts:
    """/proc, /sys, /dev, /dev/pts and /dev/shm of ``root``, undone on exit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.done: list[Path] = []

    def __enter__(self) -> "Mounts":
        table = [(["-t", "proc", "proc"], "proc"), (["-t", "sysfs", "sysfs"], "sys"),
                 (["--bind", "/dev"], "dev"), (["--bind", "/dev/pts"], "dev/pts"),
                 (["-t", "tmpfs", "-o", "mode=1777", "shm"], "dev/shm")]
        try:
            for args, target in table:
                path = self.root / target
                path.mkdir(parents=True, exist_ok=True)
                run(["mount", *args, str(path)])
                self.done.append(path)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        stop_processes_in(self.root)
        for path in reversed(self.done):
            if subprocess.run(["umount", str(path)]).returncode != 0:
                subprocess.run(["umount", "--lazy", str(path)])
        self.done.clear()


def stop_processes_in(root: Path, grace: float = 10.0) -> None:
    """What the builds left running in the root: the EPUBCheck server (see
    tools/check_epub.py) waits for its next call until it has been idle for
    10 minutes.  Each gets SIGTERM, then SIGKILL if it is still there after
    ``grace`` seconds; this returns when they are gone, so that the root's
    mounts are no longer busy."""
    root = root.resolve()

    def inside() -> list[int]:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and Path(os.readlink(proc / "root")) == root:
                    found.append(int(proc.name))
            except OSError:
                pass  # gone, or a zombie: it holds no mount
        return found

    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        pids = inside()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while inside() and time.monotonic() < deadline:
            time.sleep(0.1)


def unmount_below(path: Path) -> None:
    """Leftover mounts of an interrupted earlier run, deepest first."""
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for target in sorted((m for m in mounts if m.startswith(str(path) + "/")), reverse=True):
        subprocess.run(["umount", "--lazy", target])


def environment() -> dict[str, str]:
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "HOME": "/root", "LANG": "C.UTF-8", "TERM": "dumb",
           "DEBIAN_FRONTEND": "noninteractive"}
    if os.environ.get("CI"):
        env["CI"] = os.environ["CI"]
    for name in CA_VARIABLES:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def chroot(root: Path, script: str, env: dict[str, str]) -> None:
    run(["chroot", str(root), "/usr/bin/env", "-i",
         *[f"{k}={v}" for k, v in env.items()], "bash", "-euo", "pipefail", "-c", script])


def make_root(suite: str, root: Path) -> None:
    if not shutil.which("mmdebstrap"):
        log("installing mmdebstrap")
        run(["bash", "-c", "apt-get update -qq && apt-get install -y -qq "
             "--no-install-recommends mmdebstrap >/dev/null"])
    run(["mmdebstrap", "--quiet", "--variant=apt", f"--include={BASE_PACKAGES}",
         suite, str(root), *MIRRORS[suite]])
    if not (root / "etc/hosts").exists():
        (root / "etc/hosts").write_text(HOSTS)
    if not (root / "etc/resolv.conf").exists():
        shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")


def trust(root: Path, env: dict[str, str]) -> None:
    """The host's extra CA certificates, added the way the host added them."""
    target = root / EXTRA_CA_DIR.relative_to("/")
    target.mkdir(parents=True, exist_ok=True)
    for cert in EXTRA_CA_DIR.glob("**/*.crt") if EXTRA_CA_DIR.exists() else []:
        shutil.copy(cert, target / cert.name)
    chroot(root, "update-ca-certificates >/dev/null 2>&1", env)


def node_present(root: Path, env: dict[str, str]) -> None:
    """Node.js and npm on the machine, and apt forbidden to install npm."""
    chroot(root, "apt-get update -qq && apt-get install -y -qq --no-install-recommends "
                 "nodejs >/dev/null", env)
    meta = json.load(urllib.request.urlopen(f"https://registry.npmjs.org/npm/{NPM_VERSION}"))
    data = urllib.request.urlopen(meta["dist"]["tarball"]).read()
    dest = root / "usr/local/lib/node_modules/npm"
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            member.name = member.name.split("/", 1)[1] if "/" in member.name else ""
            if member.name:
                tar.extract(member, dest, filter="data")
    bin_ = root / "usr/local/bin"
    bin_.mkdir(parents=True, exist_ok=True)
    for tool in ("npm", "npx"):
        link = bin_ / tool
        link.unlink(missing_ok=True)
        link.symlink_to(f"../lib/node_modules/npm/bin/{tool}-cli.js")
    (root / "etc/apt/preferences.d").mkdir(parents=True, exist_ok=True)
    (root / "etc/apt/preferences.d/no-debian-npm").write_text(
        "Package: npm\nPin: release *\nPin-Priority: -1\n")
    chroot(root, "node --version && npm --version && "
                 "! apt-get install -s npm >/dev/null 2>&1", env)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", choices=sorted(MIRRORS), default="bookworm")
    parser.add_argument("--variant", choices=["plain", "node-present"], default="plain")
    parser.add_argument("--workdir", type=Path, default=Path("/var/tmp/handbook-clean-room"))
    parser.add_argument("--keep", action="store_true", help="keep the root afterwards")
    args = parser.parse_args(argv)
    # A CI time-out or ^C still unmounts and removes the root (finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        print("error: the clean room needs root (mmdebstrap, mount, chroot)", file=sys.stderr)
        return 1
    root = args.workdir / f"{args.suite}-{args.variant}"
    unmount_below(root)
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    env = environment()
    times: list[tuple[str, float]] = []
    status = 1
    try:
        start = time.monotonic()
        log(f"mmdebstrap {args.suite} ({BASE_PACKAGES}) -> {root}")
        make_root(args.suite, root)
        trust(root, env)
        run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(root / CHECKOUT[1:])])
        times.append(("new root and clone", time.monotonic() - start))
        with Mounts(root):
            if args.variant == "node-present":
                start = time.monotonic()
                log("Node.js present, npm from the npm registry, apt forbidden to install npm")
                node_present(root, env)
                times.append(("node-present set-up", time.monotonic() - start))
            for command in ("make", "make test"):
                log(f"$ {command}")
                start = time.monotonic()
                chroot(root, f"cd {CHECKOUT} && {command}", env)
                times.append((command, time.monotonic() - start))
        status = 0
    except subprocess.CalledProcessError as err:
        log(f"failed: {' '.join(map(str, err.cmd[-1:]))} (exit {err.returncode})")
    finally:
        size = subprocess.run(["du", "-sh", str(root)], capture_output=True,
                              text=True).stdout.split("\t")[0]
        for stage, seconds in times:
            log(f"{stage}: {seconds:.0f} s")
        log(f"{args.suite}/{args.variant}: {'passed' if status == 0 else 'FAILED'}; "
            f"root {size or '?'}")
        unmount_below(root)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
