# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Which processes are the Asterisk daemon, told by the file they execute.

A process's name (``comm``, ``argv[0]``) is whatever its owner chose: any
local account can start a copy of ``sleep`` called ``asterisk``.  What it
cannot choose is the executable the kernel runs, ``/proc/PID/exe``.  So a
process counts as Asterisk only when that executable

- is named ``asterisk``,
- is a regular file owned by root and writable by nobody else, and
- sits in a directory owned by root and writable by nobody else (a hard
  link to some root-owned binary, made where the account may write, fails
  here), and, unless it was deleted since it started (a package upgrade),
  is still the file at that path.

Its account is the real uid and gid in ``/proc/PID/status``.  Processes in
another root (a container or chroot sharing the pid namespace) and remote
consoles (``asterisk -r``/``-R``/``-x``, which run as whoever started them)
are not daemons of this host.

Reading another account's ``/proc/PID/exe`` needs root (or that account):
what cannot be read is counted, never guessed.
"""

import errno
import grp
import os
import pwd
import stat

ASTERISK_EXE = 'asterisk'
PROC = '/proc'
MAX_PROC_BYTES = 64 * 1024
_DELETED = ' (deleted)'


class Unknown(Exception):
    """This account may not inspect the process."""


def _read_small(path, limit=MAX_PROC_BYTES):
    # /proc files are never FIFOs, but the tree may be a test's or a
    # hostile bind mount: never follow a symlink, never block, cap the size.
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, 'not a regular file', path)
        return os.read(fd, limit)
    finally:
        os.close(fd)


def root_controlled(info, kind=stat.S_ISREG, trusted_uid=0):
    """Whether only root can change this file or directory (owner root, no group/other write)."""
    writable_by_others = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return kind(info.st_mode) and info.st_uid == trusted_uid and not writable_by_others


def _trusted_executable(base, exe, trusted_uid):
    path = exe[:-len(_DELETED)] if exe.endswith(_DELETED) else exe
    if not os.path.isabs(path) or os.path.basename(path) != ASTERISK_EXE:
        return None
    try:
        # The inode the kernel executes, whatever its path has become since.
        running = os.stat(os.path.join(base, 'exe'))
        folder = os.lstat(os.path.dirname(path))
    except OSError:
        return None
    if not root_controlled(running, trusted_uid=trusted_uid):
        return None
    if not root_controlled(folder, stat.S_ISDIR, trusted_uid):
        return None
    if path == exe:
        try:
            there = os.lstat(path)
        except OSError:
            return None
        if (there.st_dev, there.st_ino) != (running.st_dev, running.st_ino):
            return None
    return path


def _is_remote_console(cmdline):
    for arg in cmdline.split(b'\0')[1:]:
        if arg.startswith(b'-') and not arg.startswith(b'--') and any(flag in arg for flag in (b'r', b'R', b'x')):
            return True
    return False


def _real_ids(status):
    ids = {}
    for line in status.decode('ascii', 'replace').splitlines():
        key, _sep, rest = line.partition(':')
        if key in ('Uid', 'Gid') and rest.split():
            ids[key] = int(rest.split()[0])
    return ids.get('Uid'), ids.get('Gid')


def _name(lookup, number):
    try:
        return lookup(number)[0]
    except (KeyError, OverflowError):
        return str(number)


def inspect_process(pid, proc=PROC, root='/', trusted_uid=0):
    """``{pid, exe, uid, gid, user, group}`` when ``pid`` is an Asterisk daemon of this root, else None.

    Raises Unknown when this account may not read the process's executable.
    """
    base = os.path.join(proc, str(pid))
    try:
        exe = os.readlink(os.path.join(base, 'exe'))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise Unknown(pid)
        return None  # gone, or a kernel thread (no executable)
    try:
        here = os.stat(root)
        its_root = os.stat(os.path.join(base, 'root'))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise Unknown(pid)
        return None
    if (here.st_dev, here.st_ino) != (its_root.st_dev, its_root.st_ino):
        return None
    path = _trusted_executable(base, exe, trusted_uid)
    if path is None:
        return None
    try:
        cmdline = _read_small(os.path.join(base, 'cmdline'))
        uid, gid = _real_ids(_read_small(os.path.join(base, 'status')))
    except (OSError, ValueError):
        return None
    if _is_remote_console(cmdline) or uid is None or gid is None:
        return None
    return {'pid': int(pid), 'exe': path, 'uid': uid, 'gid': gid,
            'user': _name(pwd.getpwuid, uid), 'group': _name(grp.getgrgid, gid)}


def _named_asterisk(proc, pid):
    try:
        return _read_small(os.path.join(proc, str(pid), 'comm')).strip() == ASTERISK_EXE.encode()
    except OSError:
        return False


def find_daemons(proc=PROC, root='/', trusted_uid=0):
    """(Asterisk daemons of this root, oldest pid first; how many processes named asterisk could not be checked)."""
    try:
        pids = sorted(int(name) for name in os.listdir(proc) if name.isdigit())
    except OSError:
        return [], 0
    daemons, unchecked = [], 0
    for pid in pids:
        try:
            found = inspect_process(pid, proc, root, trusted_uid)
        except Unknown:
            unchecked += 1 if _named_asterisk(proc, pid) else 0
            continue
        if found:
            daemons.append(found)
    return daemons, unchecked
