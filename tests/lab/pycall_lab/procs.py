"""Processes: running a command, and the processes chrooted into a host's root.

A host has no PID namespace: its daemons are found by their root directory
(/proc/PID/root), which is also how `down` proves that none is left.
"""

import os
import signal
import subprocess
import time

from .console import die

KILLED = set()      # pids signalled by this run; `down` waits until init has reaped them


def run(cmd, check=True, quiet=False, **kw):
    """Run a command; on failure raise LabError with its output tail."""
    if quiet:
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.STDOUT)
    kw.setdefault("stdin", subprocess.DEVNULL)
    res = subprocess.run(cmd, text=True, check=False, **kw)
    if check and res.returncode != 0:
        tail = ""
        if quiet and res.stdout:
            tail = ": " + " | ".join(res.stdout.strip().splitlines()[-5:])
        die("command failed (exit %d): %s%s" % (res.returncode, " ".join(cmd), tail))
    return res


def all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def proc_root(pid):
    """The root directory of process `pid` (host view), or None when it is gone."""
    try:
        return os.readlink("/proc/%d/root" % pid)
    except OSError:
        return None


def pids_rooted_in(root):
    """PIDs of processes whose root directory is `root` (i.e. chrooted into it)."""
    return [pid for pid in all_pids() if proc_root(pid) == root]


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def kill_rooted(root, timeout=5.0):
    """SIGTERM, then SIGKILL, every process chrooted into `root`; wait until gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = pids_rooted_in(root)
        if not pids:
            return
        KILLED.update(pids)
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.time() + timeout
        while time.time() < deadline and pids_rooted_in(root):
            time.sleep(0.05)
    left = pids_rooted_in(root)
    if left:
        die("processes still running in %s after SIGKILL: %s" % (root, left))
