"""pycall.asterisk test lab: N real Asterisk 22 hosts on loopback.

Each host is an overlayfs over one cached Debian sid root filesystem (Asterisk 22,
Python 3, OpenSSH), running its own Asterisk and its own sshd on 127.0.10.N.
See tests/lab/README.md.  Python 3 standard library only; run as root.
"""

import base64
import errno
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

# --------------------------------------------------------------------------- settings

STATE_DIR = os.path.abspath(os.environ.get("PYCALL_LAB_DIR", "/var/tmp/pycall-lab"))
CACHE_DIR = os.path.abspath(os.environ.get("PYCALL_LAB_CACHE", "/var/cache/pycall-lab"))
NET = os.environ.get("PYCALL_LAB_NET", "127.0.10")          # host N listens on NET.N
SSH_PORT = int(os.environ.get("PYCALL_LAB_PORT", "10022"))
SUITE = "sid"

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
LOGIN_USER = "labuser"
BASE_SETUP = r"""
set -eu
id -u %(user)s >/dev/null 2>&1 || useradd --create-home --shell /bin/bash %(user)s
usermod --password '*' %(user)s          # no password, but not 'locked' for sshd
ssh-keygen -A
install -d -m 0700 /root/.ssh
install -d -m 0700 -o %(user)s -g %(user)s /home/%(user)s/.ssh
rm -f /etc/ssh/sshd_config.d/*.conf
""" % {"user": LOGIN_USER}

SPOOL = "/var/spool/asterisk"
ASTLOG = "/var/log/asterisk"
CALLS_LOG = ASTLOG + "/lab-calls.log"
MESSAGES_LOG = ASTLOG + "/messages"
CHROOT_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "LANG": "C.UTF-8", "HOME": "/root", "TERM": "dumb"}
HOST_RE = re.compile(r"^ast([1-9][0-9]*)$")


class LabError(Exception):
    pass


def die(msg):
    raise LabError(msg)


def info(msg):
    print("lab: " + msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- helpers

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


def write_file(path, text, mode=0o644, uid=0, gid=0):
    """Write text atomically; return True when the content changed."""
    try:
        with open(path) as f:
            if f.read() == text:
                os.chown(path, uid, gid)
                os.chmod(path, mode)
                return False
    except FileNotFoundError:
        pass
    tmp = path + ".lab-tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chown(tmp, uid, gid)
    os.chmod(tmp, mode)
    os.rename(tmp, path)
    return True


class Lock:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def mounts():
    """Mount points (host view) from /proc/self/mountinfo, with fs type and options."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            fields = left.split()
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            rfields = right.split()
            out.append({"point": point, "type": rfields[0],
                        "super": rfields[2] if len(rfields) > 2 else ""})
    return out


def mounts_under(prefix):
    prefix = prefix.rstrip("/")
    return [m for m in mounts() if m["point"] == prefix or m["point"].startswith(prefix + "/")]


def is_mounted(path):
    return any(m["point"] == path for m in mounts())


def pids_rooted_in(root):
    """PIDs of processes whose root directory is `root` (i.e. chrooted into it)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if os.readlink("/proc/%s/root" % d) == root:
                found.append(int(d))
        except OSError:
            pass
    return found


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


KILLED = set()      # pids signalled by this run; `down` waits until init has reaped them


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


def umount_all_under(prefix):
    for _attempt in range(3):
        ms = sorted(mounts_under(prefix), key=lambda m: len(m["point"]), reverse=True)
        if not ms:
            return
        for m in ms:
            run(["umount", m["point"]], check=False, quiet=True)
    ms = mounts_under(prefix)
    if ms:
        die("could not unmount: %s (see `findmnt -R %s`)" % (
            ", ".join(m["point"] for m in ms), prefix))


def safe_rmtree(path):
    if not os.path.lexists(path):
        return
    if mounts_under(path):
        die("refusing to delete %s: something is still mounted below it" % path)
    run(["rm", "-rf", "--one-file-system", "--", path])


def port_free(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((addr, port))
        return True
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            return False
        die("cannot bind %s:%d (%s): choose other addresses with PYCALL_LAB_NET" % (addr, port, e.strerror))
    finally:
        s.close()


def ssh_banner(addr, port, timeout=2.0):
    try:
        with socket.create_connection((addr, port), timeout=timeout) as s:
            s.settimeout(timeout)
            data = s.recv(64)
            return data.decode("ascii", "replace").strip() if data.startswith(b"SSH-") else ""
    except OSError:
        return ""


def chroot_ids(root, user):
    """uid, gid of `user` as defined inside the chroot (not on the host)."""
    with open(os.path.join(root, "etc/passwd")) as f:
        for line in f:
            p = line.split(":")
            if p[0] == user:
                return int(p[2]), int(p[3])
    die("user %s not found in %s/etc/passwd" % (user, root))


def require_root():
    if os.geteuid() != 0:
        die("must run as root (it mounts overlayfs and starts chrooted daemons): try `sudo %s`"
            % " ".join(sys.argv))


# --------------------------------------------------------------------------- base rootfs

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


# --------------------------------------------------------------------------- asterisk config

MODULES = [
    "pbx_config.so", "pbx_spool.so",
    "app_verbose.so", "app_system.so", "app_echo.so", "app_playback.so", "app_stack.so",
    "format_gsm.so", "codec_gsm.so",
    "func_callerid.so", "func_logic.so", "func_base64.so", "func_env.so", "func_strings.so",
    "res_timing_timerfd.so",
] + [
    # acknowledged paging (roles/asterisk_paging): the callees press keys with SendDTMF,
    # the collection's dialplan records the acknowledgement in AstDB and says the
    # alert id with the files SAYFILES() names
    "app_senddtmf.so", "func_db.so", "func_sayfiles.so",
]

ASTERISK_CONF = """\
; generated by tests/lab/lab
[directories]
astcachedir => /var/cache/asterisk
astetcdir => /etc/asterisk
astmoddir => /usr/lib/x86_64-linux-gnu/asterisk/modules
astvarlibdir => /var/lib/asterisk
astdbdir => /var/lib/asterisk
astkeydir => /var/lib/asterisk
astdatadir => /usr/share/asterisk
astagidir => /usr/share/asterisk/agi-bin
astspooldir => /var/spool/asterisk
astrundir => /var/run/asterisk
astlogdir => /var/log/asterisk
astsbindir => /usr/sbin

[options]
verbose = 3
debug = 0
hideconnect = yes
documentation_language = en_US
"""

LOGGER_CONF = """\
; generated by tests/lab/lab
[general]
dateformat = %F %T

[logfiles]
messages => notice,warning,error,verbose
"""

MANAGER_CONF = """\
; generated by tests/lab/lab: no AMI, so several hosts can share the loopback
[general]
enabled = no
"""

# Every context answers Local/<anything>@<context>: these patterns all jump to
# the context's body, which lives in lab-<context>.
PATTERNS = ["s", "_X", "_X.", "_+X.", "_[a-zA-Z*#].", "_[a-zA-Z*#]"]

EXTENSIONS_CONF = r"""; generated by tests/lab/lab - contexts are documented in tests/lab/README.md
[general]
static = yes
writeprotect = yes

[globals]
LAB_CALLS = %(calls)s

; Gosub(lab-log,s,1(EVENT)) appends ONE line to ${LAB_CALLS}:
;   ts=<epoch> ev=<EVENT> ctx=<context> exten=B64 chan=B64 uid=<uniqueid>
;   cidnum=B64 cidname=B64 reason=<REASON> PYCALL_NAME=B64 ALERT_ID=B64 VAR1=B64 VAR2=B64
;   then NAME=B64 for every variable named in ${LAB_ECHO} (comma separated).
; B64 = base64 of "x" + value (the x keeps BASE64_ENCODE from an empty argument);
; values never pass through a shell, so any content arrives intact.
[lab-log]
exten => s,1,Set(LOCAL(l)=ts=${EPOCH} ev=${ARG1} ctx=${LAB_CTX} exten=${BASE64_ENCODE(x${LAB_EXTEN})})
 same => n,Set(LOCAL(l)=${l} chan=${BASE64_ENCODE(x${CHANNEL})} uid=${UNIQUEID})
 same => n,Set(LOCAL(l)=${l} cidnum=${BASE64_ENCODE(x${CALLERID(num)})} cidname=${BASE64_ENCODE(x${CALLERID(name)})})
 same => n,Set(LOCAL(l)=${l} reason=${REASON})
 same => n,Set(LOCAL(l)=${l} PYCALL_NAME=${BASE64_ENCODE(x${PYCALL_NAME})} ALERT_ID=${BASE64_ENCODE(x${ALERT_ID})})
 same => n,Set(LOCAL(l)=${l} VAR1=${BASE64_ENCODE(x${VAR1})} VAR2=${BASE64_ENCODE(x${VAR2})})
 same => n,Set(LOCAL(todo)=${LAB_ECHO})
 same => n(next),Set(LOCAL(v)=${SHIFT(todo)})
 same => n,GotoIf($[${LEN(${v})} = 0]?write)
 same => n,Set(LOCAL(l)=${l} ${v}=${BASE64_ENCODE(x${${v}})})
 same => n,GotoIf($[${LEN(${todo})} > 0]?next)
 same => n(write),Set(FILE(${LAB_CALLS},,,al,u)=${l})
 same => n,Return()

; answer: answers, logs ev=answered, then stays up until the other side hangs up
; (at most ${LAB_MAXWAIT} s, default 5) so an Application such as Playback can run.
[lab-answer]
exten => s,1,Answer()
 same => n,Gosub(lab-log,s,1(answered))
 same => n,Wait(${IF($[${LEN(${LAB_MAXWAIT})} > 0]?${LAB_MAXWAIT}:5)})
 same => n,Hangup()

; busy: never answers; logs ev=busy per attempt, signals busy (cause 17).
[lab-busy]
exten => s,1,Gosub(lab-log,s,1(busy))
 same => n,Busy(2)
 same => n,Hangup(17)

; noanswer: rings and never answers (the attempt fails at the call file's WaitTime);
; logs ev=ringing per attempt.
[lab-noanswer]
exten => s,1,Gosub(lab-log,s,1(ringing))
 same => n,Ringing()
 same => n,Wait(600)
 same => n,Hangup()

; hold: rings for ${HOLD} s (default 8) before answering, so the call file stays in
; outgoing/ with a StartRetry line meanwhile; then answers, logs ev=held, hangs up.
[lab-hold]
exten => s,1,Ringing()
 same => n,Wait(${IF($[${LEN(${HOLD})} > 0]?${HOLD}:8)})
 same => n,Answer()
 same => n,Gosub(lab-log,s,1(held))
 same => n,Wait(1)
 same => n,Hangup()

; quiet: answers and hangs up after 1 s without logging (a landing place for the
; local side of Context/Extension call files).
[lab-quiet]
exten => s,1,Answer()
 same => n,Wait(1)
 same => n,Hangup()
""" % {"calls": CALLS_LOG}

# Callees that behave like people for acknowledged pages (roles/asterisk_paging). Each
# answers, lets the message start, then acts on the far side of the Local channel, so the
# key presses reach the paging dialplan as DTMF while its prompt plays. Digits pressed
# are ${LAB_PRESS} (default 1). Each stays up at most ${LAB_MAXWAIT} s (default 60): the
# paging dialplan, not the callee, ends an acknowledged or unanswered page.
PAGING_EXTENSIONS = r"""
; presser: answers, presses the digit 2 s later (during the message), logs ev=pressed
[lab-presser]
exten => s,1,Answer()
 same => n,Gosub(lab-log,s,1(answered))
 same => n,Wait(2)
 same => n,SendDTMF(${IF($[${LEN(${LAB_PRESS})} > 0]?${LAB_PRESS}:1)})
 same => n,Gosub(lab-log,s,1(pressed))
 same => n,Wait(${IF($[${LEN(${LAB_MAXWAIT})} > 0]?${LAB_MAXWAIT}:60)})
 same => n,Hangup()

; silent: answers and says nothing, like a voicemail box or a pocket
[lab-silent]
exten => s,1,Answer()
 same => n,Gosub(lab-log,s,1(answered))
 same => n,Wait(${IF($[${LEN(${LAB_MAXWAIT})} > 0]?${LAB_MAXWAIT}:60)})
 same => n,Hangup()

; fumbler: answers, presses 9 (wrong), then after the re-prompt the digit
[lab-fumbler]
exten => s,1,Answer()
 same => n,Gosub(lab-log,s,1(answered))
 same => n,Wait(2)
 same => n,SendDTMF(9)
 same => n,Gosub(lab-log,s,1(wrong))
 same => n,Wait(4)
 same => n,SendDTMF(${IF($[${LEN(${LAB_PRESS})} > 0]?${LAB_PRESS}:1)})
 same => n,Gosub(lab-log,s,1(pressed))
 same => n,Wait(${IF($[${LEN(${LAB_MAXWAIT})} > 0]?${LAB_MAXWAIT}:60)})
 same => n,Hangup()

; wrongkey: answers and only ever presses 9, every 2 s
[lab-wrongkey]
exten => s,1,Answer()
 same => n,Gosub(lab-log,s,1(answered))
 same => n,Set(LAB_N=0)
 same => n(again),Wait(2)
 same => n,SendDTMF(9)
 same => n,Gosub(lab-log,s,1(wrong))
 same => n,Set(LAB_N=$[${LAB_N} + 1])
 same => n,GotoIf($[${LAB_N} < 30]?again)
 same => n,Hangup()
"""

CONTEXTS = ["answer", "busy", "noanswer", "hold", "quiet", "presser", "silent", "fumbler", "wrongkey"]
# pycall's seed example dials Local/<number>@from-internal (FreePBX's context name):
# on the lab it behaves as answer.
ALIASES = {"from-internal": "answer"}


def extensions_conf():
    parts = [EXTENSIONS_CONF, PAGING_EXTENSIONS]
    for ctx in CONTEXTS + sorted(ALIASES):
        body = ALIASES.get(ctx, ctx)
        parts.append("\n[%s]\n" % ctx)
        for pat in PATTERNS:
            parts.append("exten => %s,1,Set(LAB_EXTEN=${EXTEN})\n" % pat)
            parts.append(" same => n,Set(LAB_CTX=%s)\n" % ctx)
            parts.append(" same => n,Goto(lab-%s,s,1)\n" % body)
        if ctx != "quiet":
            # runs on each failed attempt of a call file with Context: <ctx>
            parts.append("exten => failed,1,Set(LAB_EXTEN=failed)\n")
            parts.append(" same => n,Set(LAB_CTX=%s)\n" % ctx)
            parts.append(" same => n,Gosub(lab-log,s,1(failed))\n")
            parts.append(" same => n,Hangup()\n")
    return "".join(parts)


def modules_conf():
    return ("; generated by tests/lab/lab\n[modules]\nautoload = no\n"
            + "".join("load = %s\n" % m for m in MODULES))


SSHD_CONFIG = """\
# generated by tests/lab/lab; ListenAddress is given on the command line
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile /run/sshd.pid
AcceptEnv LANG LC_*
MaxStartups 50:30:100
MaxSessions 50
Subsystem sftp /usr/lib/openssh/sftp-server
"""


# --------------------------------------------------------------------------- hosts

def host_name(i):
    return "ast%d" % i


def host_addr(i):
    return "%s.%d" % (NET, i)


def host_paths(name):
    d = os.path.join(STATE_DIR, "hosts", name)
    return {"dir": d, "upper": d + "/upper", "work": d + "/work", "merged": d + "/merged"}


def existing_hosts():
    d = os.path.join(STATE_DIR, "hosts")
    names = [n for n in os.listdir(d) if HOST_RE.match(n)] if os.path.isdir(d) else []
    return sorted(names, key=lambda n: int(HOST_RE.match(n).group(1)))


def resolve_host(arg):
    name = host_name(int(arg)) if arg.isdigit() else arg
    if not HOST_RE.match(name) or not os.path.isdir(host_paths(name)["merged"]):
        die("unknown lab host %r (lab hosts: %s; is the lab up?)" % (arg, ", ".join(existing_hosts()) or "none"))
    return name


def host_root(name):
    return host_paths(name)["merged"]


def in_chroot(name, cmd, **kw):
    return run(["chroot", host_root(name)] + cmd, env=CHROOT_ENV, **kw)


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
    for fname, text in (("asterisk.conf", ASTERISK_CONF), ("modules.conf", modules_conf()),
                        ("logger.conf", LOGGER_CONF), ("manager.conf", MANAGER_CONF),
                        ("extensions.conf", extensions_conf())):
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
    write_file(r + "/etc/ssh/lab_sshd_config", SSHD_CONFIG, 0o644)
    write_file(r + "/etc/hostname", name + "\n", 0o644)
    write_file(r + "/root/.ssh/authorized_keys", pubkey, 0o600)
    write_file(r + "/home/%s/.ssh/authorized_keys" % LOGIN_USER, pubkey, 0o600, luid, lgid)
    return changed


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


def stop_host(name):
    p = host_paths(name)
    KILLED.update(pids_rooted_in(p["merged"]))
    if os.path.isdir(p["merged"]) and is_mounted(p["merged"]):
        stop_asterisk(name)
    kill_rooted(p["merged"])
    umount_all_under(p["dir"])
    safe_rmtree(p["dir"])


# --------------------------------------------------------------------------- inventory

def key_path():
    return os.path.join(STATE_DIR, "id_ed25519")


def ensure_key():
    k = key_path()
    if not (os.path.exists(k) and os.path.exists(k + ".pub")):
        for f in (k, k + ".pub"):
            if os.path.exists(f):
                os.unlink(f)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pycall-lab", "-f", k], quiet=True)
    with open(k + ".pub") as f:
        return f.read()


def inventory_path(user="root"):
    return os.path.join(STATE_DIR, "inventory.ini" if user == "root" else "inventory-%s.ini" % user)


def inventory_text(n, user):
    # The root inventory sets no ansible_user: the login defaults to root through
    # `-o User=root` in ansible_ssh_common_args, which ssh only uses when Ansible gives no
    # user of its own - so `-u labuser`, a play's `remote_user: labuser` and
    # `-e ansible_user=labuser` all still work (an inventory ansible_user would beat them).
    user_args = "" if user == "root" else "ansible_user=%s\n" % user
    lines = ["# generated by tests/lab/lab up %d - do not edit; connects as %s" % (n, user),
             "[asterisk]"]
    for i in range(1, n + 1):
        name = host_name(i)
        lines.append("%s ansible_host=%s lab_root=%s" % (name, host_addr(i), host_root(name)))
    lines += [
        "",
        "[asterisk:vars]",
        user_args + "ansible_port=%d" % SSH_PORT,
        "ansible_ssh_private_key_file=%s" % key_path(),
        "ansible_python_interpreter=/usr/bin/python3",
        "ansible_host_key_checking=false",
        "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
        "-o IdentitiesOnly=yes -o LogLevel=ERROR%s'" % (" -o User=root" if user == "root" else ""),
        "lab_dir=%s" % STATE_DIR,
        "lab_login_user=%s" % LOGIN_USER,
        "lab_asterisk_user=asterisk",
        "lab_spool_dir=%s" % SPOOL,
        "lab_calls_log=%s" % CALLS_LOG,
        "lab_messages_log=%s" % MESSAGES_LOG,
        "",
    ]
    return "\n".join(lines)


def install_helpers():
    """Copy lib.sh and this script into the state dir, for runme.sh scripts to source."""
    here = os.path.dirname(os.path.realpath(__file__))
    for f in ("lib.sh", "lab", "lab.py"):
        src = os.path.join(here, f)
        dst = os.path.join(STATE_DIR, f)
        if os.path.exists(src) and os.path.realpath(src) != os.path.realpath(dst):
            shutil.copyfile(src, dst + ".tmp")
            os.chmod(dst + ".tmp", 0o755 if f != "lab.py" else 0o644)
            os.rename(dst + ".tmp", dst)


# --------------------------------------------------------------------------- commands

def cmd_up(args):
    n = int(args[0]) if args else 1
    if n < 1 or n > 250:
        die("usage: lab up [N]  (1 <= N <= 250)")
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
            if int(HOST_RE.match(name).group(1)) > n:
                info("%s: not wanted any more, stopping" % name)
                stop_host(name)
        for i in range(1, n + 1):
            name = host_name(i)
            ensure_mounts(name, base)
            changed = configure_host(name, pubkey)
            start_asterisk(name, restart=changed)
            start_sshd(name, i)
        for user in ("root", LOGIN_USER):
            write_file(inventory_path(user), inventory_text(n, user))
        install_helpers()
    prune_cache(base)
    bad = report_status(quiet=True)
    if bad:
        die("unhealthy hosts after start: %s (see `lab status`)" % ", ".join(bad))
    info("%d host(s) up in %.1fs; inventory: %s" % (n, time.time() - t0, inventory_path()))
    return 0


def cmd_down(args):
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
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                root = os.readlink("/proc/%s/root" % d)
            except OSError:
                continue
            if root.startswith(STATE_DIR + "/") or root.startswith(CACHE_DIR + "/"):
                problems.append("process %s (%s) in %s" % (d, comm(int(d)), root))
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


def listeners():
    """(addr, port) of every listening IPv4 TCP socket."""
    out = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if p[3] != "0A":
                continue
            hexaddr, hexport = p[1].split(":")
            addr = socket.inet_ntoa(bytes.fromhex(hexaddr)[::-1])
            out.append((addr, int(hexport, 16)))
    return out


def report_status(quiet=False):
    """Print one line per host; return the names of unhealthy hosts."""
    bad = []
    names = existing_hosts()
    for name in names:
        i = int(HOST_RE.match(name).group(1))
        merged = host_root(name)
        mounted = is_mounted(merged)
        ver = asterisk_version(name) if mounted else ""
        banner = ssh_banner(host_addr(i), SSH_PORT) if mounted else ""
        ok = bool(mounted and ver and banner)
        if not ok:
            bad.append(name)
        if not quiet:
            print("%-5s %s:%d  %s  asterisk=%s  sshd=%s  root=%s" % (
                name, host_addr(i), SSH_PORT, "OK  " if ok else "FAIL",
                (ver.split()[1] if ver else "DOWN"), "up" if banner else "DOWN", merged))
    return bad if names else ["(no lab hosts)"]


def cmd_status(args):
    require_root()
    bad = report_status()
    if bad:
        print("lab: not healthy: %s" % ", ".join(bad), file=sys.stderr)
        return 1
    print("inventory: %s" % inventory_path())
    return 0


def clear_dir(path):
    if os.path.isdir(path):
        for e in os.listdir(path):
            p = os.path.join(path, e)
            if os.path.isdir(p) and not os.path.islink(p):
                safe_rmtree(p)
            else:
                os.unlink(p)


def cmd_reset(args):
    require_root()
    names = [resolve_host(a) for a in args] or existing_hosts()
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


def cmd_wait_done(args):
    if len(args) not in (2, 3):
        die("usage: lab wait-done HOST FILENAME [TIMEOUT]")
    name = resolve_host(args[0])
    fname = os.path.basename(args[1])
    timeout = float(args[2]) if len(args) == 3 else 60.0
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


def parse_call_line(line):
    rec = {}
    for tok in line.split():
        if "=" not in tok:
            continue
        k, v = tok.split("=", 1)
        if k in ("ts", "ev", "ctx", "uid", "reason"):
            rec[k] = v
        else:
            try:
                raw = base64.b64decode(v, validate=True).decode("utf-8", "surrogateescape")
            except ValueError:
                raw = ""
            rec[k] = raw[1:] if raw.startswith("x") else v     # strip the "x" guard
    return rec


def cmd_calls(args):
    if len(args) not in (1, 2):
        die("usage: lab calls HOST [FIELD]")
    name = resolve_host(args[0])
    path = host_root(name) + CALLS_LOG
    lines = open(path, errors="surrogateescape").read().splitlines() if os.path.exists(path) else []
    for line in lines:
        if not line.strip():
            continue
        rec = parse_call_line(line)
        out = rec.get(args[1], "") if len(args) == 2 else json.dumps(rec, sort_keys=True, ensure_ascii=False)
        sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape") + b"\n")
    return 0


def cmd_log(args):
    if len(args) != 1:
        die("usage: lab log HOST")
    path = host_root(resolve_host(args[0])) + MESSAGES_LOG
    if os.path.exists(path):
        with open(path, "rb") as f:
            sys.stdout.buffer.write(f.read())
    return 0


def cmd_root(args):
    if len(args) != 1:
        die("usage: lab root HOST")
    print(host_root(resolve_host(args[0])))
    return 0


def cmd_inventory(args):
    user = args[0] if args else "root"
    if user not in ("root", LOGIN_USER):
        die("usage: lab inventory [root|%s]" % LOGIN_USER)
    path = inventory_path(user)
    if not os.path.exists(path):
        die("no inventory at %s: run `lab up` first" % path)
    print(path)
    return 0


def cmd_cli(args):
    if len(args) != 2:
        die('usage: lab cli HOST "asterisk cli command"')
    res = asterisk_cli(resolve_host(args[0]), args[1])
    sys.stdout.write(res.stdout)
    sys.stderr.write(res.stderr)
    return res.returncode


def cmd_exec(args):
    if len(args) < 2:
        die("usage: lab exec HOST COMMAND [ARG...]")
    name = resolve_host(args[0])
    return subprocess.run(["chroot", host_root(name)] + args[1:], env=CHROOT_ENV, check=False).returncode


COMMANDS = {
    "up": cmd_up, "down": cmd_down, "status": cmd_status, "reset": cmd_reset,
    "wait-done": cmd_wait_done, "calls": cmd_calls, "log": cmd_log, "root": cmd_root,
    "inventory": cmd_inventory, "cli": cmd_cli, "exec": cmd_exec,
}

USAGE = """usage: lab COMMAND [ARGS]   (see tests/lab/README.md)
  up [N]                     start N (default 1) Asterisk hosts ast1..astN (idempotent)
  down                       stop everything, unmount, remove host state (cache stays)
  status                     health of every host; exit 1 unless all are healthy
  reset [HOST...]            hang up calls, empty outgoing/, outgoing_done/, tmp/ and the logs
  wait-done HOST FILE [SEC]  wait for outgoing_done/FILE to get a Status: line; print it
  calls HOST [FIELD]         call log as JSON lines (values decoded), or one FIELD per call
  log HOST                   Asterisk's messages log
  root HOST                  host-side path of the host's root filesystem
  inventory [root|labuser]   path of the Ansible inventory
  cli HOST "CMD"             run an Asterisk CLI command on the host
  exec HOST CMD [ARG...]     run a command chrooted into the host
env: PYCALL_LAB_DIR (%s), PYCALL_LAB_CACHE (%s), PYCALL_LAB_NET (%s), PYCALL_LAB_PORT (%d),
     PYCALL_LAB_MIRROR (default: from /etc/apt sources)""" % (STATE_DIR, CACHE_DIR, NET, SSH_PORT)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if len(argv) >= 2 else 2
    fn = COMMANDS.get(argv[1])
    if fn is None:
        print("lab: unknown command %r\n%s" % (argv[1], USAGE), file=sys.stderr)
        return 2
    try:
        return fn(argv[2:])
    except LabError as e:
        print("lab %s: error: %s" % (argv[1], e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lab %s: interrupted" % argv[1], file=sys.stderr)
        return 130
    except PermissionError as e:
        print("lab %s: error: %s: %s (run as root)" % (argv[1], e.strerror, e.filename), file=sys.stderr)
        return 1
    except BrokenPipeError:          # e.g. `lab status | head -1`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
