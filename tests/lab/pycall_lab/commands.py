"""The lab's commands. Each takes its parsed arguments and returns the exit status;
failures raise LabError (cli.py turns it into one line and exit status 1)."""

import glob
import json
import os
import shutil
import subprocess
import sys
import time

from .base import build_base, prune_cache
from .calllog import parse_call_line
from .console import die, info
from .files import Lock, clear_dir, safe_rmtree, write_file
from .helpers import install_helpers
from .hosts import (asterisk_cli, check_port, existing_hosts, host_addr, host_health, host_name,
                    host_number, host_root, resolve_host, start_host, stop_host)
from .inventory import ensure_key, inventory_path, inventory_text
from .mounts import mounts_under, umount_all_under
from .net import listeners
from .procs import KILLED, all_pids, comm, kill_rooted, proc_root
from .settings import (CACHE_DIR, CALLS_LOG, CHROOT_ENV, LOGIN_USER, MESSAGES_LOG, NET, SPOOL,
                       SSH_PORT, STATE_DIR)


def require_root():
    if os.geteuid() != 0:
        die("must run as root (it mounts overlayfs and starts chrooted daemons): try `sudo %s`"
            % " ".join(sys.argv))


def cmd_up(n):
    require_root()
    if shutil.which("unshare") is None or shutil.which("chroot") is None:
        die("unshare/chroot missing: install util-linux and coreutils")
    t0 = time.time()
    base = build_base()
    os.makedirs(STATE_DIR, exist_ok=True)
    with Lock(os.path.join(STATE_DIR, ".lock")):
        for i in range(1, n + 1):          # fail before starting anything
            check_port(host_name(i), i)
        pubkey = ensure_key()
        for name in existing_hosts():
            if host_number(name) > n:
                info("%s: not wanted any more, stopping" % name)
                stop_host(name)
        for i in range(1, n + 1):
            start_host(host_name(i), i, base, pubkey)
        for user in ("root", LOGIN_USER):
            write_file(inventory_path(user), inventory_text(n, user))
        install_helpers()
    prune_cache(base)
    bad = report_status(quiet=True)
    if bad:
        die("unhealthy hosts after start: %s (see `lab status`)" % ", ".join(bad))
    info("%d host(s) up in %.1fs; inventory: %s" % (n, time.time() - t0, inventory_path()))
    return 0


def cmd_down():
    require_root()
    os.makedirs(STATE_DIR, exist_ok=True)
    with Lock(os.path.join(STATE_DIR, ".lock")):
        for name in existing_hosts():
            stop_host(name)
        hosts_dir = os.path.join(STATE_DIR, "hosts")
        # anything left over, also an interrupted base build in the cache
        for prefix in (hosts_dir, CACHE_DIR):
            if os.path.isdir(prefix):
                for d in glob.glob(prefix + "/*/"):
                    for sub in glob.glob(d + "*/") + [d]:
                        kill_rooted(sub.rstrip("/"))
                umount_all_under(prefix)
        safe_rmtree(hosts_dir)
        for f in (inventory_path(), inventory_path(LOGIN_USER)):
            if os.path.exists(f):
                os.unlink(f)
    # the daemons were orphans of init: give it a moment to reap them (no zombies left)
    deadline = time.time() + 10
    while time.time() < deadline and any(os.path.exists("/proc/%d" % p) for p in KILLED):
        time.sleep(0.1)
    # verify: no mount, no process, no listener left behind
    problems = []
    for prefix in (STATE_DIR, CACHE_DIR):
        problems += ["mount %s" % m["point"] for m in mounts_under(prefix)]
    for pid in all_pids():
        root = proc_root(pid)
        if root and (root.startswith(STATE_DIR + "/") or root.startswith(CACHE_DIR + "/")):
            problems.append("process %d (%s) in %s" % (pid, comm(pid), root))
    for addr, port in listeners():
        if addr.startswith(NET + "."):
            problems.append("listener %s:%d" % (addr, port))
    zombies = sorted(p for p in KILLED if os.path.exists("/proc/%d" % p))
    if zombies:
        info("note: init has not reaped the killed processes %s yet (zombies hold nothing)" % zombies)
    if problems:
        die("down left things behind: " + "; ".join(problems))
    info("lab is down")
    return 0


def report_status(quiet=False):
    """Print one line per host; return the names of unhealthy hosts."""
    bad = []
    names = existing_hosts()
    for name in names:
        ok, ver, banner = host_health(name)
        if not ok:
            bad.append(name)
        if not quiet:
            print("%-5s %s:%d  %s  asterisk=%s  sshd=%s  root=%s" % (
                name, host_addr(host_number(name)), SSH_PORT, "OK  " if ok else "FAIL",
                (ver.split()[1] if ver else "DOWN"), "up" if banner else "DOWN", host_root(name)))
    return bad if names else ["(no lab hosts)"]


def cmd_status():
    require_root()
    bad = report_status()
    if bad:
        print("lab: not healthy: %s" % ", ".join(bad), file=sys.stderr)
        return 1
    print("inventory: %s" % inventory_path())
    return 0


def cmd_reset(hosts):
    require_root()
    names = [resolve_host(a) for a in hosts] or existing_hosts()
    if not names:
        die("no lab hosts: run `lab up` first")
    for name in names:
        r = host_root(name)
        # cancel queued calls first (deleting a queued file cancels it), then hang up
        # calls in progress, then empty the spool and the logs
        for _attempt in range(2):
            clear_dir(r + SPOOL + "/outgoing")
            asterisk_cli(name, "channel request hangup all")
            deadline = time.time() + 5
            while time.time() < deadline and "0 active channels" not in asterisk_cli(name, "core show channels count").stdout:
                time.sleep(0.1)
        for d in ("outgoing", "outgoing_done", "tmp"):
            clear_dir(r + SPOOL + "/" + d)
        for log in (CALLS_LOG, MESSAGES_LOG):
            if os.path.exists(r + log):
                os.truncate(r + log, 0)
        asterisk_cli(name, "logger reload")
    return 0


def cmd_wait_done(host, filename, timeout):
    name = resolve_host(host)
    fname = os.path.basename(filename)
    spool = host_root(name) + SPOOL
    done = os.path.join(spool, "outgoing_done", fname)
    deadline = time.time() + timeout
    while True:
        try:
            with open(done, errors="replace") as f:
                status = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("Status:")]
            if status:
                print(status[-1])
                return 0
        except FileNotFoundError:
            pass
        if time.time() > deadline:
            where = "still in outgoing/" if os.path.exists(os.path.join(spool, "outgoing", fname)) \
                else "not in outgoing/ either"
            print("lab wait-done: timed out after %gs waiting for %s:%s/outgoing_done/%s (%s)"
                  % (timeout, name, SPOOL, fname, where), file=sys.stderr)
            return 1
        time.sleep(0.2)


def cmd_calls(host, field):
    name = resolve_host(host)
    path = host_root(name) + CALLS_LOG
    lines = []
    if os.path.exists(path):
        with open(path, errors="surrogateescape") as f:
            lines = f.read().splitlines()
    for line in lines:
        if not line.strip():
            continue
        rec = parse_call_line(line)
        out = rec.get(field, "") if field is not None else json.dumps(rec, sort_keys=True, ensure_ascii=False)
        sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape") + b"\n")
    return 0


def cmd_log(host):
    path = host_root(resolve_host(host)) + MESSAGES_LOG
    if os.path.exists(path):
        with open(path, "rb") as f:
            sys.stdout.buffer.write(f.read())
    return 0


def cmd_root(host):
    print(host_root(resolve_host(host)))
    return 0


def cmd_inventory(user):
    path = inventory_path(user)
    if not os.path.exists(path):
        die("no inventory at %s: run `lab up` first" % path)
    print(path)
    return 0


def cmd_cli(host, command):
    res = asterisk_cli(resolve_host(host), command)
    sys.stdout.write(res.stdout)
    sys.stderr.write(res.stderr)
    return res.returncode


def cmd_exec(host, command):
    name = resolve_host(host)
    return subprocess.run(["chroot", host_root(name)] + command, env=CHROOT_ENV, check=False).returncode
