"""The base: one cached Debian root filesystem, the lower layer of every host.

Built once with debootstrap from the machine's own Debian mirror, then reused; its
directory name is a hash of everything that goes into it (base_key), so changing the
packages or the setup script builds a new base and prunes the old one.
"""

import glob
import hashlib
import json
import os
import re
import shutil
import time

from .console import die, info
from .files import Lock, safe_rmtree, write_file
from .mounts import mounts, mounts_under, umount_all_under
from .procs import run
from .settings import CACHE_DIR, CHROOT_ENV, LOGIN_USER, SUITE

# Everything that goes into the cached base rootfs.  Any change here (or to
# BASE_SETUP) changes the cache key, so the next `up` builds a fresh base.
BASE_VERSION = "1"
PACKAGES = sorted([
    "asterisk",
    "asterisk-core-sounds-en-gsm",
    "python3",
    "openssh-server",
    "openssh-sftp-server",
])
BASE_SETUP = r"""
set -eu
id -u %(user)s >/dev/null 2>&1 || useradd --create-home --shell /bin/bash %(user)s
usermod --password '*' %(user)s          # no password, but not 'locked' for sshd
ssh-keygen -A
install -d -m 0700 /root/.ssh
install -d -m 0700 -o %(user)s -g %(user)s /home/%(user)s/.ssh
rm -f /etc/ssh/sshd_config.d/*.conf
""" % {"user": LOGIN_USER}


def base_key():
    h = hashlib.sha256(json.dumps([BASE_VERSION, SUITE, PACKAGES, BASE_SETUP]).encode())
    return h.hexdigest()[:12]


def base_dir():
    return os.path.join(CACHE_DIR, "rootfs-" + base_key())


def apt_mirror():
    """The Debian mirror this machine's own apt sources use (never hard-coded)."""
    if os.environ.get("PYCALL_LAB_MIRROR"):
        return os.environ["PYCALL_LAB_MIRROR"].rstrip("/")
    cands = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path) as f:
            for stanza in re.split(r"\n\s*\n", f.read()):
                fields = {}
                for line in stanza.splitlines():
                    if line.startswith("#") or ":" not in line or line[:1].isspace():
                        continue
                    k, v = line.split(":", 1)
                    fields[k.strip().lower()] = v.split()
                if "deb" not in fields.get("types", []) or fields.get("enabled", ["yes"])[0] == "no":
                    continue
                for uri in fields.get("uris", []):
                    cands.append((uri, fields.get("suites", [])))
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                line = re.sub(r"\[[^\]]*\]", " ", line.split("#", 1)[0]).split()
                if len(line) >= 3 and line[0] == "deb":
                    cands.append((line[1], [line[2]]))
    for uri, suites in cands:
        if "security" in uri or all(s.endswith("-security") for s in suites):
            continue
        if uri.startswith(("http://", "https://")):
            return uri.rstrip("/")
    die("no Debian mirror found in /etc/apt/sources.list(.d): set PYCALL_LAB_MIRROR=<debian mirror URL>")


def check_registry(mirror):
    # imported here: only a base build needs it, and it costs every other command ~30 ms
    import urllib.request  # pylint: disable=import-outside-toplevel

    url = "%s/dists/%s/InRelease" % (mirror, SUITE)
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            r.read(1)
    except Exception as e:  # noqa: BLE001 - any failure means "unreachable"
        die("package registry unreachable: cannot fetch %s (%s); check the network/proxy "
            "or set PYCALL_LAB_MIRROR" % (url, e))


def ensure_debootstrap():
    if shutil.which("debootstrap"):
        return
    info("installing debootstrap with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    up = run(["apt-get", "update"], check=False, quiet=True, env=env)
    inst = run(["apt-get", "install", "-y", "debootstrap"], check=False, quiet=True, env=env)
    if inst.returncode != 0 or not shutil.which("debootstrap"):
        out = ((up.stdout or "") + (inst.stdout or "")).strip().splitlines()
        errs = [ln for ln in out if ln.startswith("E:")] or out
        die("debootstrap is missing and `apt-get install debootstrap` failed (%s); "
            "fix apt (network/sources) and install debootstrap by hand" % " ".join(errs[-1:]))


def build_base():
    """Return the cached base rootfs, building it first when missing."""
    final = base_dir()
    if os.path.isfile(os.path.join(final, ".lab-complete")):
        return final
    with Lock(os.path.join(CACHE_DIR, ".lock")):
        if os.path.isfile(os.path.join(final, ".lab-complete")):
            return final
        mirror = apt_mirror()
        ensure_debootstrap()
        check_registry(mirror)
        tmp = final + ".building"
        umount_all_under(tmp)
        safe_rmtree(tmp)
        os.makedirs(CACHE_DIR, exist_ok=True)
        t0 = time.time()
        info("building base rootfs %s (debootstrap %s from %s; about a minute)" % (final, SUITE, mirror))
        res = run(["debootstrap", "--variant=minbase", SUITE, tmp, mirror], check=False, quiet=True)
        if res.returncode != 0:
            last = " | ".join(res.stdout.strip().splitlines()[-3:])
            die("debootstrap failed (%s); is the package registry %s reachable?" % (last, mirror))
        # never let package scripts start daemons inside the chroot
        write_file(os.path.join(tmp, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", 0o755)
        proc = os.path.join(tmp, "proc")
        run(["mount", "-t", "proc", "proc", proc])
        try:
            script = ("set -e; apt-get -q -o Acquire::Check-Valid-Until=false update; "
                      "DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends %s; "
                      "apt-get clean" % " ".join(PACKAGES))
            res = run(["chroot", tmp, "/bin/sh", "-c", script], check=False, quiet=True, env=CHROOT_ENV)
            if res.returncode != 0:
                last = " | ".join(res.stdout.strip().splitlines()[-3:])
                die("apt-get in the chroot failed (%s); is the package registry %s reachable?" % (last, mirror))
            run(["chroot", tmp, "/bin/sh", "-c", BASE_SETUP], quiet=True, env=CHROOT_ENV)
        finally:
            run(["umount", proc], check=False)
        if mounts_under(tmp):
            die("a mount is left under %s" % tmp)
        with open(os.path.join(tmp, ".lab-complete"), "w") as f:
            f.write(json.dumps({"packages": PACKAGES, "mirror": mirror, "built": int(time.time())}) + "\n")
        os.rename(tmp, final)
        info("base rootfs built in %.0fs" % (time.time() - t0))
        prune_cache(final)
    return final


def prune_cache(keep):
    """Delete old rootfs-* builds that no overlay uses any more."""
    used = " ".join(m["super"] for m in mounts())
    for d in glob.glob(os.path.join(CACHE_DIR, "rootfs-*")):
        if d != keep and d not in used and not mounts_under(d):
            info("removing stale base %s" % d)
            safe_rmtree(d)
