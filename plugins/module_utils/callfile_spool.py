# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Putting a call file where Asterisk will read it whole, once, at the right time.

The spooler queues a file the moment it appears in ``outgoing`` and fixes
its due time then, so everything (content, fsync, mode, owner, mtime) is
done on a staged file on the same filesystem, and a single rename that
never replaces an existing file publishes it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import contextlib
import errno
import fcntl
import grp
import os
import pwd
import re
import stat
import time

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_errors import (
    CallExistsError,
    NoPermissionError,
    NoUserError,
    SpoolError,
    StagingFilesystemError,
    ValidationError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_asterisk_conf import spool_root_info

ASTERISK_CONF = '/etc/asterisk/asterisk.conf'
DEFAULT_SPOOL_ROOT = '/var/spool/asterisk'
# Variables may carry secrets: no access for "other" unless asked for.
DEFAULT_MODE = 0o640
STAGED_PREFIX = '.pycall-'
STAGED_SUFFIX = '.tmp'
LOCK_NAME = '.pycall.lock'
# pbx_spool builds "<outgoing_done>/<file>" in char[256].
ARCHIVE_PATH_LIMIT = 255
# \Z, not $: '$' also matches before a final newline.
_SAFE_FILENAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,199}\Z')
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def spool_root(asterisk_conf=ASTERISK_CONF):
    """``astspooldir`` as Asterisk itself reads asterisk.conf (templates ignored), else the default."""
    return spool_root_info(asterisk_conf)[0]


class SpoolPaths:
    """Where calls are queued (outgoing), staged, and archived (outgoing_done)."""

    def __init__(self, outgoing=None, staging=None, done=None, asterisk_conf=ASTERISK_CONF):
        if outgoing is None:
            outgoing = os.path.join(spool_root(asterisk_conf), 'outgoing')
        outgoing = os.path.normpath(outgoing)
        parent = os.path.dirname(outgoing)
        self.outgoing = outgoing
        self.staging = os.path.normpath(staging) if staging else os.path.join(parent, 'tmp')
        self.done = os.path.normpath(done) if done else os.path.join(parent, 'outgoing_done')

    def as_dict(self):
        return {'outgoing': self.outgoing, 'staging': self.staging, 'done': self.done}


def check_filename(filename, field='name'):
    if not isinstance(filename, str) or not _SAFE_FILENAME.match(filename):
        raise ValidationError(field, 'must be 1-200 characters of letters, digits and _ . @ + -, '
                                     'starting with a letter or digit', filename)
    return filename


def check_archive_path(paths, filename, field='name'):
    """Asterisk archives into a 256-byte path buffer; a longer one would be cut."""
    archived = os.path.join(paths.done, filename)
    if len(os.fsencode(archived)) > ARCHIVE_PATH_LIMIT:
        raise ValidationError(field, 'is too long: the archived file %s would exceed the %d bytes Asterisk can name'
                              % (archived, ARCHIVE_PATH_LIMIT), filename)
    return filename


def _lookup_user(owner, field='owner'):
    if isinstance(owner, int) and not isinstance(owner, bool):
        return owner
    if isinstance(owner, str) and owner.isdigit():
        return int(owner)
    try:
        return pwd.getpwnam(owner).pw_uid
    except (KeyError, TypeError):
        raise NoUserError('%s: user %r does not exist on this host' % (field, owner))


def _lookup_group(group, field='group'):
    if isinstance(group, int) and not isinstance(group, bool):
        return group
    if isinstance(group, str) and group.isdigit():
        return int(group)
    try:
        return grp.getgrnam(group).gr_gid
    except (KeyError, TypeError):
        raise NoUserError('%s: group %r does not exist on this host' % (field, group))


def user_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid):
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def resolve_ownership(paths, owner=None, group=None):
    """The uid and gid the call file must have; default: the spool dir's owner.

    The owner of ``outgoing`` is the user Asterisk runs as on every layout
    we know (Debian, RHEL, FreePBX, source installs running as root).
    Raises NoPermissionError when this process could not hand the file
    over, before anything is written: a file Asterisk cannot update is
    retried forever.
    """
    try:
        info = os.stat(paths.outgoing)
    except OSError as exc:
        if exc.errno == errno.EACCES and os.geteuid() != 0:
            raise NoPermissionError(
                'spool_dir: %s cannot reach %s (%s). Run as root (become: true) or as Asterisk\'s user '
                '(become_user: asterisk, which the pycall.asterisk.asterisk_spool role allows).'
                % (user_name(os.geteuid()), paths.outgoing, exc.strerror))
        raise SpoolError('spool_dir: cannot use %s: %s' % (paths.outgoing, exc.strerror), paths.outgoing)
    if not stat.S_ISDIR(info.st_mode):
        raise SpoolError('spool_dir: %s is not a directory' % paths.outgoing, paths.outgoing)
    uid = info.st_uid if owner is None else _lookup_user(owner)
    gid = info.st_gid if group is None else _lookup_group(group)
    euid = os.geteuid()
    if euid != 0:
        if uid != euid:
            raise NoPermissionError(
                'owner: this process runs as %s and cannot hand the call file to %s, so Asterisk could not '
                'update it (a failing call would be retried forever). Run as root (become: true) or as %s '
                '(become_user: %s, which the pycall.asterisk.asterisk_spool role allows).'
                % (user_name(euid), user_name(uid), user_name(uid), user_name(uid)))
        if gid != os.getegid() and gid not in os.getgroups():
            raise NoPermissionError('group: %s is not a member of group %s and cannot give the call file to it'
                                    % (user_name(euid), group_name(gid)))
    return uid, gid


def _libc_renameat2():
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (ImportError, OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func, ctypes


def rename_noreplace(source, target):
    """rename(2) that fails with EEXIST instead of replacing ``target``.

    Uses renameat2(RENAME_NOREPLACE) where the C library has it; elsewhere
    the caller's spool lock serialises our writers and an existence check
    stands in.  A hard link is not used: Asterisk reads a linked-in file
    only about two seconds later.
    """
    found = _libc_renameat2()
    if found is not None:
        func, ctypes = found
        if func(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS):
            raise OSError(err, os.strerror(err), target)
    if os.path.lexists(target):
        raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), target)
    os.rename(source, target)


# What a failed write means for the user, for the errors that are about the disk.
_DISK_TROUBLE = {
    errno.ENOSPC: 'the filesystem of %s is full',
    errno.EDQUOT: 'the disk quota of this user on the filesystem of %s is used up',
    errno.EROFS: 'the filesystem of %s is mounted read-only',
}


def _disk_hint(err, directory):
    """'; nothing was spooled (<cause>)' for a full, over-quota or read-only spool, else ''."""
    cause = _DISK_TROUBLE.get(err)
    return '; nothing was spooled (%s)' % (cause % directory) if cause else ''


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_dirs(paths):
    for label, path in (('spool_dir', paths.outgoing), ('staging_dir', paths.staging)):
        if not os.path.isdir(path):
            raise SpoolError('%s: %s does not exist or is not a directory' % (label, path), path)
    if os.stat(paths.staging).st_dev != os.stat(paths.outgoing).st_dev:
        raise StagingFilesystemError(
            'staging_dir: %s is not on the same filesystem as %s; a rename between them would be a copy '
            'that Asterisk can read half-written. Use a staging dir on the spool filesystem (default: tmp '
            'beside outgoing).' % (paths.staging, paths.outgoing), paths.staging)


@contextlib.contextmanager
def spool_lock(paths):
    """Serialise "is this call already there?" and the spool itself across processes."""
    lock_path = os.path.join(paths.staging, LOCK_NAME)
    try:
        fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError as exc:
        raise SpoolError('staging_dir: cannot open lock file %s: %s%s'
                         % (lock_path, exc.strerror, _disk_hint(exc.errno, paths.staging)), lock_path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_callfile(paths, filename, text, due, uid=None, gid=None, mode=DEFAULT_MODE, durable=True):
    """Stage ``text`` and publish it as ``outgoing/filename`` due at ``due``.

    Returns the published path.  On any failure the staged file is
    removed and nothing appears in ``outgoing``.
    """
    check_filename(filename, 'name')
    check_archive_path(paths, filename)
    _check_dirs(paths)
    target = os.path.join(paths.outgoing, filename)
    if os.path.lexists(target):
        raise CallExistsError('name: %s already exists in the spool' % target, target)
    staged = os.path.join(paths.staging, '%s%s.%d.%s%s' % (
        STAGED_PREFIX, filename, os.getpid(), binascii.hexlify(os.urandom(4)).decode('ascii'), STAGED_SUFFIX))
    step = 'create'
    fd = None
    try:
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        # The lock tells a later cleanup that this writer is alive.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        step = 'write'
        data = text.encode('utf-8')
        while data:
            data = data[os.write(fd, data):]
        step = 'set mode on'
        os.fchmod(fd, mode)
        if uid is not None or gid is not None:
            step = 'set owner of'
            os.fchown(fd, -1 if uid is None else uid, -1 if gid is None else gid)
        step = 'set due time on'
        os.utime(fd, (due, due))
        if durable:
            # Last, so content and metadata are both on disk before the name appears.
            step = 'fsync'
            os.fsync(fd)
        step = 'publish'
        rename_noreplace(staged, target)
        staged = None
        if durable:
            fsync_dir(paths.outgoing)
    except OSError as exc:
        if exc.errno == errno.EEXIST and step == 'publish':
            raise CallExistsError('name: %s already exists in the spool' % target, target)
        # Before the rename nothing is in the spool and the staged file goes below.
        hint = _disk_hint(exc.errno, paths.staging) if staged is not None else ''
        raise SpoolError('cannot %s call file %s: %s%s' % (step, staged or target, exc.strerror or exc, hint),
                         staged or target)
    finally:
        if fd is not None:
            os.close(fd)
        if staged is not None:
            try:
                os.unlink(staged)
            except OSError:
                pass
    return target


def remove_callfile(path):
    """Cancel a queued call: Asterisk silently drops a file that vanished."""
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise SpoolError('cannot remove %s: %s' % (path, exc.strerror), path)
        return False
    return True


def clean_staging(paths, min_age=300, now=None):
    """Remove staged files of writers that died; never one a live writer holds.

    Returns the removed paths.
    """
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(paths.staging))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(STAGED_PREFIX) and entry.name.endswith(STAGED_SUFFIX)):
            continue
        try:
            # mtime may be the (future) due time; ctime is the last change we made.
            if now - entry.stat(follow_symlinks=False).st_ctime < min_age:
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        try:
            os.unlink(entry.path)
            removed.append(entry.path)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


class SpooledFile:
    """A file found in outgoing or outgoing_done, read once."""

    def __init__(self, location, path, mtime, text, error=None):
        self.location = location
        self.path = path
        self.name = os.path.basename(path)
        self.mtime = mtime
        self.text = text
        self.error = error


def scan(paths, include_done=True, match=None):
    """One pass over outgoing (and outgoing_done): every regular file, read.

    ``match`` filters by file name before reading.
    """
    found = []
    places = [('outgoing', paths.outgoing)]
    if include_done:
        places.append(('done', paths.done))
    for location, directory in places:
        try:
            entries = list(os.scandir(directory))
        except OSError as exc:
            if exc.errno == errno.ENOENT and location == 'done':
                continue
            raise SpoolError('cannot list %s: %s' % (directory, exc.strerror), directory)
        for entry in entries:
            if match is not None and not match(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(info.st_mode):
                    continue
                with open(entry.path, 'rb') as handle:
                    text = handle.read().decode('utf-8', 'replace')
            except OSError as exc:
                # Asterisk may archive or delete the file between list and read.
                if exc.errno == errno.ENOENT:
                    continue
                found.append(SpooledFile(location, entry.path, None, None, exc.strerror))
                continue
            found.append(SpooledFile(location, entry.path, int(info.st_mtime), text))
    return found
