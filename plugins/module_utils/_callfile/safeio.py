# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Reading a directory another account writes, without trusting what is in it.

``outgoing``, ``outgoing_done`` and ``tmp`` belong to Asterisk's account,
and the modules usually run as root.  Whoever has that account can put a
symbolic link, a FIFO, a huge sparse file or a hard link to a root-only
file at any name, and can swap one for another between two system calls.
So nothing here trusts a name twice: a directory is opened once with
O_NOFOLLOW and then used through its descriptor; a file is opened
relative to it with O_NOFOLLOW|O_NONBLOCK, the *open descriptor* is
checked with fstat, and at most ``READ_CAP`` bytes are read.
"""

import contextlib
import errno
import os
import stat

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import SpoolError

# Asterisk reads call files line by line into a 1 KiB buffer and has no use
# for more than a few dozen lines; 64 KiB is far above any file it can act
# on, and small enough that a planted multi-GiB (sparse) file costs nothing.
READ_CAP = 64 * 1024

_CLOEXEC = getattr(os, 'O_CLOEXEC', 0)
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
# O_NONBLOCK: a FIFO opens at once instead of waiting for a writer, and a
# file under another process's lease fails with EWOULDBLOCK instead of
# waiting out the lease-break time.
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC


class NotRegularError(SpoolError):
    """A name in the spool is a symlink, FIFO, device, socket or directory: never opened as a file."""


class FileBusyError(SpoolError):
    """Another process holds a lease on the file; it was not read this time."""


class FileTooLargeError(SpoolError):
    """The file is larger than READ_CAP: no call file Asterisk could use."""


_KINDS = (
    (stat.S_ISLNK, 'a symbolic link'),
    (stat.S_ISFIFO, 'a FIFO'),
    (stat.S_ISCHR, 'a character device'),
    (stat.S_ISBLK, 'a block device'),
    (stat.S_ISSOCK, 'a socket'),
    (stat.S_ISDIR, 'a directory'),
    (stat.S_ISREG, 'a regular file'),
)


def kind_of(mode):
    """'a FIFO', 'a symbolic link'... for an st_mode."""
    for test, label in _KINDS:
        if test(mode):
            return label
    return 'not a regular file'


def open_dir(path, label):
    """A descriptor of directory ``path``; a symlink in its place is refused, never followed.

    ``label`` is the parameter the user would change (spool_dir,
    staging_dir...).  Raises SpoolError; ENOENT keeps its errno so that
    callers can treat a missing archive as empty.
    """
    try:
        return os.open(path, DIR_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            try:
                kind = kind_of(os.lstat(path).st_mode)
            except OSError:
                kind = 'not a directory'
            if kind == 'a symbolic link':
                raise SpoolError('%s: %s is a symbolic link; refused, because following it would let the account '
                                 'that owns the spool point this run at any directory. Use the real directory.'
                                 % (label, path), path)
            raise SpoolError('%s: %s is %s, not a directory' % (label, path, kind), path)
        error = SpoolError('%s: cannot open %s: %s' % (label, path, exc.strerror), path)
        error.errno = exc.errno
        raise error


@contextlib.contextmanager
def opened_dir(path, label, missing_ok=False):
    """``open_dir`` as a context; yields None for a missing directory when ``missing_ok``."""
    try:
        fd = open_dir(path, label)
    except SpoolError as exc:
        if missing_ok and getattr(exc, 'errno', None) == errno.ENOENT:
            yield None
            return
        raise
    try:
        yield fd
    finally:
        os.close(fd)


def lstat_at(dir_fd, name):
    """lstat of ``name`` in the directory ``dir_fd``; None when it does not exist."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise


def open_regular(dir_fd, name, path=None, flags=FILE_FLAGS):
    """Open ``name`` in ``dir_fd`` and return ``(fd, fstat)`` only if it is a plain file of the spool.

    Refused (NotRegularError): a symlink (O_NOFOLLOW makes the open fail),
    anything fstat does not call a regular file, and a file with several
    hard links that the directory's owner does not own (a link to a root
    file planted in the spool).  FileBusyError when a lease holder makes
    the open fail with EWOULDBLOCK.  Other OSErrors (ENOENT: Asterisk
    moved it meanwhile) are raised as they are.
    """
    path = path or name
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularError('%s is a symbolic link; not followed' % path, path)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise FileBusyError('%s is busy (another process holds a lease on it); not read this time' % path, path)
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularError('%s is %s, not a regular file; not read' % (path, kind_of(info.st_mode)), path)
        if info.st_nlink > 1 and info.st_uid != os.fstat(dir_fd).st_uid:
            raise NotRegularError('%s has %d hard links and is not owned by the owner of its directory; not read '
                                  '(it may be a link to a file outside the spool)' % (path, info.st_nlink), path)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_regular(dir_fd, name, path=None, cap=READ_CAP):
    """``(bytes, fstat)`` of the plain file ``name`` in ``dir_fd``, at most ``cap`` bytes.

    Raises NotRegularError, FileBusyError, FileTooLargeError or OSError.
    """
    path = path or name
    fd, info = open_regular(dir_fd, name, path)
    try:
        if info.st_size > cap:
            raise FileTooLargeError('%s is %d bytes, more than the %d a call file can use; not read'
                                    % (path, info.st_size, cap), path)
        chunks = []
        size = 0
        # One byte past the cap tells a file that grew after the fstat.
        while size <= cap:
            chunk = os.read(fd, cap + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:
            raise FileTooLargeError('%s grew past %d bytes while being read; not read' % (path, cap), path)
        return b''.join(chunks), info
    finally:
        os.close(fd)


def read_text_at(directory, name, label):
    """The text of ``directory/name`` read safely, or None if it cannot be read for any reason."""
    try:
        with opened_dir(directory, label, missing_ok=True) as dir_fd:
            if dir_fd is None:
                return None
            data, _info = read_regular(dir_fd, name, os.path.join(directory, name))
    except (OSError, SpoolError):
        return None
    return data.decode('utf-8', 'replace')
