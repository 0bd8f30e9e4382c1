"""One host's life: its overlay and mounts, its configuration, its Asterisk and sshd.

Host N is astN: an overlayfs (upper, work, merged under STATE_DIR/hosts/astN) over the
base, with proc and devpts mounted, daemons chrooted into merged/ in a UTS namespace of
their own, sshd listening on NET.N:SSH_PORT.
"""

import os
import signal
import subprocess
import time

from .asterisk_config import config_files
from .console import die, info
from .files import safe_rmtree, write_file
from .mounts import is_mounted, mounts, umount_all_under
from .net import port_free, ssh_banner
from .procs import KILLED, comm, kill_rooted, pids_rooted_in, run
from .settings import (CALLS_LOG, CHROOT_ENV, HOST_RE, LOGIN_USER, MESSAGES_LOG, NET, SPOOL,
                       SSH_PORT, STATE_DIR, lab_file)


# --------------------------------------------------------------------------- names and paths

def host_name(i):
    return "ast%d" % i


def host_number(name):
    return int(HOST_RE.match(name).group(1))


def host_addr(i):
    return "%s.%d" % (NET, i)


def host_paths(name):
    d = os.path.join(STATE_DIR, "hosts", name)
    return {"dir": d, "upper": d + "/upper", "work": d + "/work", "merged": d + "/merged"}


def host_root(name):
    return host_paths(name)["merged"]


def existing_hosts():
    d = os.path.join(STATE_DIR, "hosts")
    names = [n for n in os.listdir(d) if HOST_RE.match(n)] if os.path.isdir(d) else []
    return sorted(names, key=host_number)


def resolve_host(arg):
    name = host_name(int(arg)) if arg.isdigit() else arg
    if not HOST_RE.match(name) or not os.path.isdir(host_paths(name)["merged"]):
        die("unknown lab host %r (lab hosts: %s; is the lab up?)" % (arg, ", ".join(existing_hosts()) or "none"))
    return name


def chroot_ids(root, user):
    """uid, gid of `user` as defined inside the chroot (not on the host)."""
    with open(os.path.join(root, "etc/passwd")) as f:
        for line in f:
            p = line.split(":")
            if p[0] == user:
                return int(p[2]), int(p[3])
    return die("user %s not found in %s/etc/passwd" % (user, root))


# --------------------------------------------------------------------------- running things inside

def asterisk_cli(name, command, timeout=10):
    try:
        return subprocess.run(["chroot", host_root(name), "/usr/sbin/asterisk", "-rx", command],
                              env=CHROOT_ENV, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess([], 124, "", "timeout")


def asterisk_version(name):
    res = asterisk_cli(name, "core show version")
    out = res.stdout.strip()
    return out if res.returncode == 0 and out.startswith("Asterisk ") else ""


def daemon_pids(name, comm_name):
    return [p for p in pids_rooted_in(host_root(name)) if comm(p) == comm_name]


def spawn_in_host(name, argv, logfile):
    """Start a daemon chrooted into the host, in its own UTS namespace (hostname = name)."""
    with open(logfile, "ab") as log:
        res = subprocess.run(
            ["unshare", "--uts", "/bin/sh", "-c", 'hostname "$1" && shift && exec chroot "$@"',
             "sh", name, host_root(name)] + argv,
            env=CHROOT_ENV, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True, timeout=60, check=False)
    if res.returncode != 0:
        die("%s: could not start %s (exit %d; see %s)" % (name, argv[0], res.returncode, logfile))


# --------------------------------------------------------------------------- filesystem

def ensure_mounts(name, base):
    p = host_paths(name)
    merged = p["merged"]
    current = [m for m in mounts() if m["point"] == merged]
    if current and ("lowerdir=%s," % base) not in current[0]["super"] + ",":
        info("%s: base rootfs changed; recreating the host" % name)
        stop_host(name)
    if not is_mounted(merged):
        # a fresh upper layer every time the host is (re)created
        safe_rmtree(p["dir"])
        for k in ("upper", "work", "merged"):
            os.makedirs(p[k])
        run(["mount", "-t", "overlay", "overlay", "-o",
             "lowerdir=%s,upperdir=%s,workdir=%s" % (base, p["upper"], p["work"]), merged], quiet=True)
    if not is_mounted(merged + "/proc"):
        run(["mount", "-t", "proc", "proc", merged + "/proc"], quiet=True)
    if not is_mounted(merged + "/dev/pts"):
        run(["mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620,gid=5",
             "devpts", merged + "/dev/pts"], quiet=True)


def configure_host(name, pubkey):
    """Write the host's Asterisk/sshd config and keys; True when Asterisk's config changed."""
    r = host_root(name)
    auid, agid = chroot_ids(r, "asterisk")
    luid, lgid = chroot_ids(r, LOGIN_USER)
    changed = False
    etc = r + "/etc/asterisk/"
    for fname, text in config_files():
        changed |= write_file(etc + fname, text, 0o640, auid, agid)
    for d in ("outgoing", "outgoing_done", "tmp"):
        path = "%s%s/%s" % (r, SPOOL, d)
        os.makedirs(path, exist_ok=True)
        os.chown(path, auid, agid)
        os.chmod(path, 0o750)
    for d in ("/run/asterisk", "/var/log/asterisk"):
        os.makedirs(r + d, exist_ok=True)
        os.chown(r + d, auid, agid)
    if not os.path.exists(r + CALLS_LOG):       # FILE() appends only to an existing file
        write_file(r + CALLS_LOG, "", 0o644, auid, agid)
    if os.path.exists(etc + "users.conf"):      # Debian's sample: only a deprecation warning
        os.unlink(etc + "users.conf")
        changed = True
    os.makedirs(r + "/run/sshd", mode=0o755, exist_ok=True)
    write_file(r + "/etc/ssh/lab_sshd_config", lab_file("ssh", "lab_sshd_config"), 0o644)
    write_file(r + "/etc/hostname", name + "\n", 0o644)
    write_file(r + "/root/.ssh/authorized_keys", pubkey, 0o600)
    write_file(r + "/home/%s/.ssh/authorized_keys" % LOGIN_USER, pubkey, 0o600, luid, lgid)
    return changed


# --------------------------------------------------------------------------- Asterisk

def start_asterisk(name, restart=False):
    if restart and daemon_pids(name, "asterisk"):
        info("%s: configuration changed, restarting Asterisk" % name)
        stop_asterisk(name)
    if daemon_pids(name, "asterisk") and asterisk_version(name):
        return
    if daemon_pids(name, "asterisk"):        # running but not answering: start over
        stop_asterisk(name)
    logfile = host_paths(name)["dir"] + "/asterisk-start.log"
    spawn_in_host(name, ["/usr/sbin/asterisk", "-U", "asterisk", "-G", "asterisk"], logfile)
    deadline = time.time() + 30
    while time.time() < deadline:
        if asterisk_cli(name, "core waitfullybooted").returncode == 0 and asterisk_version(name):
            return
        time.sleep(0.2)
    die("%s: Asterisk did not come up within 30s (see %s and %s%s)"
        % (name, logfile, host_root(name), MESSAGES_LOG))


def stop_asterisk(name):
    if daemon_pids(name, "asterisk"):
        asterisk_cli(name, "core stop now", timeout=10)
        deadline = time.time() + 5
        while time.time() < deadline and daemon_pids(name, "asterisk"):
            time.sleep(0.05)
    for pid in daemon_pids(name, "asterisk"):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --------------------------------------------------------------------------- sshd

def sshd_running(name, i):
    return (os.path.isdir(host_root(name)) and bool(daemon_pids(name, "sshd"))
            and bool(ssh_banner(host_addr(i), SSH_PORT)))


def check_port(name, i):
    addr = host_addr(i)
    if not sshd_running(name, i) and not port_free(addr, SSH_PORT):
        die("%s:%d is already in use by another program (see `ss -ltnp`); stop it, or choose "
            "other addresses/port with PYCALL_LAB_NET / PYCALL_LAB_PORT" % (addr, SSH_PORT))


def start_sshd(name, i):
    addr = host_addr(i)
    if sshd_running(name, i):
        return
    for pid in daemon_pids(name, "sshd"):
        os.kill(pid, signal.SIGKILL)
    check_port(name, i)
    logfile = host_paths(name)["dir"] + "/sshd-start.log"
    spawn_in_host(name, ["/usr/sbin/sshd", "-f", "/etc/ssh/lab_sshd_config",
                         "-o", "ListenAddress=%s:%d" % (addr, SSH_PORT),
                         "-E", "/var/log/sshd.log"], logfile)
    deadline = time.time() + 15
    while time.time() < deadline:
        if ssh_banner(addr, SSH_PORT):
            return
        time.sleep(0.1)
    die("%s: sshd does not answer on %s:%d (see %s/var/log/sshd.log)" % (name, addr, SSH_PORT, host_root(name)))


# --------------------------------------------------------------------------- the whole host

def start_host(name, i, base, pubkey):
    """Bring host `name` (number i) up over `base`; restart Asterisk if its config changed."""
    ensure_mounts(name, base)
    changed = configure_host(name, pubkey)
    start_asterisk(name, restart=changed)
    start_sshd(name, i)


def stop_host(name):
    p = host_paths(name)
    KILLED.update(pids_rooted_in(p["merged"]))
    if os.path.isdir(p["merged"]) and is_mounted(p["merged"]):
        stop_asterisk(name)
    kill_rooted(p["merged"])
    umount_all_under(p["dir"])
    safe_rmtree(p["dir"])


def host_health(name):
    """(ok, asterisk version line or "", sshd banner or "") of an existing host."""
    merged = host_root(name)
    mounted = is_mounted(merged)
    ver = asterisk_version(name) if mounted else ""
    banner = ssh_banner(host_addr(host_number(name)), SSH_PORT) if mounted else ""
    return bool(mounted and ver and banner), ver, banner
