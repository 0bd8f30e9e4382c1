# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Putting a call file where Asterisk will read it whole, once, at the right time.

The spooler queues a file the moment it appears in ``outgoing`` and fixes
its due time then, so everything (content, fsync, mode, owner, mtime) is
done on a staged file on the same filesystem, and a single rename that
never replaces an existing file publishes it.
"""

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

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import (
    CallExistsError,
    NoPermissionError,
    NoUserError,
    SpoolError,
    StagingFilesystemError,
    ValidationError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.asterisk_conf import spool_root_info
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.safeio import (
    FileBusyError,
    FileTooLargeError,
    NotRegularError,
    kind_of,
    lstat_at,
    open_dir,
    open_regular,
    opened_dir,
    read_regular,
)

ASTERISK_CONF = '/etc/asterisk/asterisk.conf'
DEFAULT_SPOOL_ROOT = '/var/spool/asterisk'
# Variables may carry secrets: owner only. Asterisk runs as the file's owner (the
# spool's owner by default), so it reads it; members of its group do not.
DEFAULT_MODE = 0o600
STAGED_PREFIX = '.pycall-'
STAGED_SUFFIX = '.tmp'
# Seconds a run waits for the spool lock before it fails (module option lock_timeout).
DEFAULT_LOCK_TIMEOUT = 30
_CLOEXEC = getattr(os, 'O_CLOEXEC', 0)
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
        # lstat: a symlink in place of outgoing is refused, not followed (its target's owner is no one's business).
        info = os.lstat(paths.outgoing)
    except OSError as exc:
        if exc.errno == errno.EACCES and os.geteuid() != 0:
            raise NoPermissionError(
                'spool_dir: %s cannot reach %s (%s). Run as root (become: true) or as Asterisk\'s user '
                '(become_user: asterisk, which the pycall.asterisk.asterisk_spool role allows).'
                % (user_name(os.geteuid()), paths.outgoing, exc.strerror))
        raise SpoolError('spool_dir: cannot use %s: %s' % (paths.outgoing, exc.strerror), paths.outgoing)
    if not stat.S_ISDIR(info.st_mode):
        # open_dir words the refusal (symlink or not a directory).
        os.close(open_dir(paths.outgoing, 'spool_dir'))
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


# libc functions looked up once per process: dlopen and symbol lookup on every call cost a
# batch of 10,000 renames measurably.  name -> (function, ctypes) or None when missing.
_LIBC = {}


def _libc_function(name, argtypes):
    if name not in _LIBC:
        try:
            import ctypes
            func = getattr(ctypes.CDLL(None, use_errno=True), name)
        except (ImportError, OSError, AttributeError):
            _LIBC[name] = None
        else:
            func.argtypes = [getattr(ctypes, arg) for arg in argtypes]
            func.restype = ctypes.c_int
            _LIBC[name] = (func, ctypes)
    return _LIBC[name]


def _libc_renameat2():
    return _libc_function('renameat2', ('c_int', 'c_char_p', 'c_int', 'c_char_p', 'c_uint'))


def rename_noreplace(source, target, src_dir_fd=None, dst_dir_fd=None):
    """rename(2) that fails with EEXIST instead of replacing ``target``.

    With directory descriptors the names are taken relative to them
    (renameat2), so a directory swapped for a symlink after it was opened
    is not followed.  Uses RENAME_NOREPLACE where the C library has it;
    elsewhere the caller's spool lock serialises our writers and an
    existence check stands in.  A hard link is not used: Asterisk reads a
    linked-in file only about two seconds later.
    """
    found = _libc_renameat2()
    src_fd = _AT_FDCWD if src_dir_fd is None else src_dir_fd
    dst_fd = _AT_FDCWD if dst_dir_fd is None else dst_dir_fd
    if found is not None:
        func, ctypes = found
        if func(src_fd, os.fsencode(source), dst_fd, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS):
            raise OSError(err, os.strerror(err), target)
    if lstat_at(dst_dir_fd, target) is not None:
        raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), target)
    os.rename(source, target, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)


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


def fsync_dir(directory):
    """fsync a directory, given as an open descriptor or a path (opened without following a symlink)."""
    if isinstance(directory, int):
        os.fsync(directory)
        return
    fd = open_dir(directory, 'directory')
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SpoolDirs:
    """Descriptors of outgoing and the staging dir, opened once, symlinks refused.

    Every later step names files relative to these, so swapping a
    directory for a symlink mid-run changes nothing for this run.
    """

    def __init__(self, paths):
        self.paths = paths
        self.outgoing = open_dir(paths.outgoing, 'spool_dir')
        try:
            self.staging = open_dir(paths.staging, 'staging_dir')
        except BaseException:
            os.close(self.outgoing)
            raise
        try:
            if os.fstat(self.staging).st_dev != os.fstat(self.outgoing).st_dev:
                raise StagingFilesystemError(
                    'staging_dir: %s is not on the same filesystem as %s; a rename between them would be a copy '
                    'that Asterisk can read half-written. Use a staging dir on the spool filesystem (default: tmp '
                    'beside outgoing).' % (paths.staging, paths.outgoing), paths.staging)
        except BaseException:
            self.close()
            raise

    def close(self):
        for fd in (self.outgoing, self.staging):
            if fd is not None:
                os.close(fd)
        self.outgoing = self.staging = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# --- the lock ----------------------------------------------------------------------------------

def lock_holders(dir_fd, locks_file='/proc/locks'):
    """Pids /proc/locks shows holding a lock on the directory ``dir_fd`` (waiters excluded)."""
    info = os.fstat(dir_fd)
    inode = '%02x:%02x:%d' % (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino)
    pids = []
    try:
        with open(locks_file) as handle:
            lines = handle.read(1024 * 1024).splitlines()
    except (IOError, OSError):
        return pids
    for line in lines:
        # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; "1: -> FLOCK ..." is a waiter.
        fields = line.split()
        if len(fields) < 6 or fields[1] == '->' or fields[5] != inode:
            continue
        if fields[4].isdigit() and int(fields[4]) not in pids:
            pids.append(int(fields[4]))
    return pids


@contextlib.contextmanager
def spool_lock(paths, timeout=DEFAULT_LOCK_TIMEOUT, poll=0.1, clock=time.time, sleep=time.sleep):
    """Serialise "is this call already there?" and the spool itself across processes.

    The lock is flock(2) on the ``outgoing`` directory itself: no lock
    file is created anywhere (check mode creates nothing), and every run
    on one ``outgoing`` takes the same lock, whatever its staging dir.
    Whoever can open the directory can hold the lock, Asterisk's account
    too, so the wait is bounded by ``timeout`` seconds.
    """
    fd = open_dir(paths.outgoing, 'spool_dir')
    try:
        deadline = clock() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise SpoolError('spool_dir: cannot lock %s: %s' % (paths.outgoing, exc.strerror), paths.outgoing)
            if clock() >= deadline:
                holders = lock_holders(fd)
                who = ('held by pid %s' % ', '.join(str(pid) for pid in holders) if holders
                       else 'its holder\'s pid could not be found in /proc/locks')
                raise SpoolError('lock_timeout: the lock on %s (flock on the directory) was not free within %s '
                                 'seconds (%s); nothing was changed' % (paths.outgoing, timeout, who), paths.outgoing)
            sleep(poll)
        yield
    finally:
        os.close(fd)


# --- writing -----------------------------------------------------------------------------------

class StagedFile:
    """A call file written, dated and owned in the staging dir, not yet in ``outgoing``.

    Its descriptor stays open and flock'ed until it is published or
    discarded: that tells a concurrent clean-up that its writer is alive.
    Writing many calls can stage them all, sync them, then publish them.
    """

    def __init__(self, dirs, filename, staged_name, fd):
        self.dirs = dirs
        self.filename = filename
        self.staged_name = staged_name
        self.fd = fd
        self.staged_path = os.path.join(dirs.paths.staging, staged_name)
        self.target = os.path.join(dirs.paths.outgoing, filename)

    def sync(self):
        try:
            os.fsync(self.fd)
        except OSError as exc:
            self.discard()
            raise SpoolError('cannot fsync call file %s: %s%s' % (self.staged_path, exc.strerror,
                                                                  _disk_hint(exc.errno, self.dirs.paths.staging)),
                             self.staged_path)

    def publish(self):
        """Rename into ``outgoing``; never replaces a file there. Returns the published path."""
        try:
            rename_noreplace(self.staged_name, self.filename, self.dirs.staging, self.dirs.outgoing)
        except OSError as exc:
            self.discard()
            if exc.errno == errno.EEXIST:
                raise CallExistsError('name: %s already exists in the spool' % self.target, self.target)
            raise SpoolError('cannot publish call file %s: %s%s' % (self.staged_path, exc.strerror or exc,
                                                                    _disk_hint(exc.errno, self.dirs.paths.staging)),
                             self.staged_path)
        self.staged_name = None
        self.close()
        return self.target

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def discard(self):
        """Remove the staged file (nothing was published)."""
        self.close()
        if self.staged_name is not None:
            try:
                os.unlink(self.staged_name, dir_fd=self.dirs.staging)
            except OSError:
                pass
            self.staged_name = None


def stage_callfile(dirs, filename, text, due, uid=None, gid=None, mode=DEFAULT_MODE):
    """Write ``text`` to a new staged file (not synced): content, mode, owner, due time."""
    check_filename(filename, 'name')
    check_archive_path(dirs.paths, filename)
    target = os.path.join(dirs.paths.outgoing, filename)
    if lstat_at(dirs.outgoing, filename) is not None:
        raise CallExistsError('name: %s already exists in the spool' % target, target)
    staged_name = '%s%s.%d.%s%s' % (
        STAGED_PREFIX, filename, os.getpid(), binascii.hexlify(os.urandom(4)).decode('ascii'), STAGED_SUFFIX)
    staged_path = os.path.join(dirs.paths.staging, staged_name)
    step = 'create'
    try:
        # O_EXCL: never an existing name, and never through a symlink.
        fd = os.open(staged_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC, 0o600,
                     dir_fd=dirs.staging)
    except OSError as exc:
        raise SpoolError('cannot %s call file %s: %s%s' % (step, staged_path, exc.strerror or exc,
                                                           _disk_hint(exc.errno, dirs.paths.staging)), staged_path)
    staged = StagedFile(dirs, filename, staged_name, fd)
    try:
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
    except OSError as exc:
        staged.discard()
        raise SpoolError('cannot %s call file %s: %s%s' % (step, staged_path, exc.strerror or exc,
                                                           _disk_hint(exc.errno, dirs.paths.staging)), staged_path)
    except BaseException:
        staged.discard()
        raise
    return staged


def write_callfile(paths, filename, text, due, uid=None, gid=None, mode=DEFAULT_MODE, durable=True):
    """Stage ``text`` and publish it as ``outgoing/filename`` due at ``due``.

    Returns the published path.  On any failure the staged file is
    removed and nothing appears in ``outgoing``.
    """
    with SpoolDirs(paths) as dirs:
        staged = stage_callfile(dirs, filename, text, due, uid=uid, gid=gid, mode=mode)
        try:
            if durable:
                # Last, so content and metadata are both on disk before the name appears.
                staged.sync()
            target = staged.publish()
        finally:
            staged.discard()
        if durable:
            try:
                fsync_dir(dirs.outgoing)
            except OSError as exc:
                raise SpoolError('cannot fsync %s after publishing %s: %s' % (paths.outgoing, target, exc.strerror),
                                 target)
    return target


# Fewer staged files than this are made durable by their own fsync: syncfs(2) writes back
# everything dirty on the filesystem, which for one or two calls costs more than their
# fsyncs (bench/bench_batch_sync.py: one call 0.5 ms by fsync, 2.3 ms by syncfs; 10,000
# calls 2.0 s by fsync each, 0.54 s by one syncfs).
SYNCFS_MIN_FILES = 4


def sync_staged(staged, staging_fd):
    """Make every staged file (content, mode, owner, due time) durable; returns how.

    ``syncfs`` when there are many and the C library has syncfs(2): one
    write-back of the spool filesystem (the staging dir is on it, checked)
    instead of a sync per file.  It reports write-back errors since Linux
    5.8; on any failure, and for a few files, each file's own fsync runs,
    which names the file an error concerns.  A file whose descriptor was
    already closed (big batches do not keep thousands open) is reopened by
    its name in the staging dir, never following a symlink.
    """
    if len(staged) >= SYNCFS_MIN_FILES:
        found = _libc_function('syncfs', ('c_int',))
        if found is not None and found[0](staging_fd) == 0:
            return 'syncfs'
    for item in staged:
        if item.fd is not None:
            item.sync()
            continue
        try:
            fd = os.open(item.staged_name, os.O_RDONLY | os.O_NOFOLLOW | _CLOEXEC, dir_fd=staging_fd)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise SpoolError('cannot fsync call file %s: %s%s' % (item.staged_path, exc.strerror,
                                                                  _disk_hint(exc.errno, item.dirs.paths.staging)),
                             item.staged_path)
    return 'fsync'


class SpoolBatch:
    """The calls of one task, published together at the cost of one durable publish.

    Each call is staged whole (content, mode, owner, due time) when added;
    commit() makes them all durable together (sync_staged), then for each
    removes the files it replaces and renames it into ``outgoing``, then
    fsyncs ``outgoing`` once: two syncs for the batch instead of two per
    call.  Nothing is published before every call is staged and synced, so
    a failure while staging leaves the spool as it was; a kill at any
    instant still leaves only whole files in ``outgoing``.  Callers hold
    the spool lock for the whole batch: it is what keeps the clean-up of
    dead writers' files away from staged files whose descriptor a big
    batch has already closed.
    """

    def __init__(self, paths, uid=None, gid=None, mode=DEFAULT_MODE, durable=True, keep_open=SYNCFS_MIN_FILES):
        self.paths = paths
        self.uid, self.gid, self.mode, self.durable = uid, gid, mode, durable
        self.keep_open = keep_open
        self.dirs = None
        self.entries = []
        self.how = None

    def add(self, filename, text, due, replaces=()):
        """Stage one call; returns the path it will have in ``outgoing``."""
        if self.dirs is None:
            self.dirs = SpoolDirs(self.paths)
        staged = stage_callfile(self.dirs, filename, text, due, uid=self.uid, gid=self.gid, mode=self.mode)
        self.entries.append((staged, list(replaces)))
        if len(self.entries) > self.keep_open:
            # A batch this big syncs the filesystem, not each file: no descriptor is needed,
            # and thousands of open ones would hit the process's limit.
            closing = self.entries if len(self.entries) == self.keep_open + 1 else self.entries[-1:]
            for item, _replaces in closing:
                item.close()
        return staged.target

    def commit(self):
        """Sync, replace, publish, fsync ``outgoing`` once; returns the published paths."""
        if not self.entries:
            return []
        published = []
        try:
            if self.durable:
                self.how = sync_staged([item for item, _replaces in self.entries], self.dirs.staging)
            for item, replaces in self.entries:
                for old in replaces:
                    remove_callfile(old)
                published.append(item.publish())
            if self.durable:
                try:
                    fsync_dir(self.dirs.outgoing)
                except OSError as exc:
                    raise SpoolError('cannot fsync %s after publishing %d call file(s): %s'
                                     % (self.paths.outgoing, len(published), exc.strerror), self.paths.outgoing)
        finally:
            self.close()
        return published

    def close(self):
        """Remove what was staged and not published; close the directories."""
        for item, _replaces in self.entries:
            item.discard()
        if self.dirs is not None:
            self.dirs.close()
            self.dirs = None


def remove_callfile(path):
    """Cancel a queued call: Asterisk silently drops a file that vanished.

    unlink(2) of a name never follows it; the directory is opened without
    following a symlink, so only an entry of the real spool goes.
    """
    directory, name = os.path.split(path)
    with opened_dir(directory, 'spool_dir') as dir_fd:
        try:
            os.unlink(name, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise SpoolError('cannot remove %s: %s' % (path, exc.strerror), path)
            return False
    return True


def clean_staging(paths, min_age=300, now=None):
    """Remove staged files of writers that died; never one a live writer holds.

    Only names of ours that lstat calls regular files are considered and
    they are opened non-blocking without following links, so a FIFO or a
    symlink planted under such a name is left alone and cannot stall the
    run.  Returns the removed paths.
    """
    now = time.time() if now is None else now
    removed = []
    try:
        dir_fd = open_dir(paths.staging, 'staging_dir')
    except SpoolError:
        return removed
    try:
        for entry in list(os.scandir(dir_fd)):
            if not (entry.name.startswith(STAGED_PREFIX) and entry.name.endswith(STAGED_SUFFIX)):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                # mtime may be the (future) due time; ctime is the last change we made.
                if not stat.S_ISREG(info.st_mode) or now - info.st_ctime < min_age:
                    continue
                fd, _info = open_regular(dir_fd, entry.name)
            except (OSError, SpoolError):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(entry.name, dir_fd=dir_fd)
                removed.append(os.path.join(paths.staging, entry.name))
            except OSError:
                pass
            finally:
                os.close(fd)
    finally:
        os.close(dir_fd)
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
    """One pass over outgoing (and outgoing_done): every file, read safely.

    ``match`` filters by file name before anything is opened.  A name that
    is not a plain file (symlink, FIFO, device...), is too large, or is
    busy under a lease is returned with ``error`` set and no text: the
    caller reports it and never acts on it.
    """
    found = []
    places = [('outgoing', paths.outgoing, 'spool_dir')]
    if include_done:
        places.append(('done', paths.done, 'outgoing_done'))
    for location, directory, label in places:
        with opened_dir(directory, label, missing_ok=(location == 'done')) as dir_fd:
            if dir_fd is None:
                continue
            try:
                entries = list(os.scandir(dir_fd))
            except OSError as exc:
                raise SpoolError('cannot list %s: %s' % (directory, exc.strerror), directory)
            for entry in entries:
                if match is not None and not match(entry.name):
                    continue
                found.extend(_read_entry(location, directory, dir_fd, entry))
    return found


def _read_entry(location, directory, dir_fd, entry):
    path = os.path.join(directory, entry.name)
    try:
        # The directory listing's file type answers these without a stat of
        # its own (one syscall less per file of a large archive).
        if entry.is_dir(follow_symlinks=False):
            return []
        if not entry.is_file(follow_symlinks=False):
            # Not even opened: opening a device can have effects of its own.
            return [SpooledFile(location, path, None, None, '%s is %s, not a regular file; not read'
                                % (path, kind_of(entry.stat(follow_symlinks=False).st_mode)))]
        data, info = read_regular(dir_fd, entry.name, path)
    except (NotRegularError, FileBusyError, FileTooLargeError) as exc:
        return [SpooledFile(location, path, None, None, str(exc))]
    except OSError as exc:
        # Asterisk may archive or delete the file between list and read.
        if exc.errno == errno.ENOENT:
            return []
        return [SpooledFile(location, path, None, None, exc.strerror)]
    return [SpooledFile(location, path, int(info.st_mtime), data.decode('utf-8', 'replace'))]
