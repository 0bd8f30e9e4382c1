# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A spool another account writes: what it can plant, and that none of it is followed, blocks or bloats.

Each test that could hang without the fix runs under an alarm, so a
regression fails instead of stalling the suite.
"""

import errno
import fcntl
import os
import signal
import stat
import time

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import spool as callfile_spool
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import SpoolError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_calls
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import CallSpec
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.report import wait_for_outcome
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.listing import list_spool
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.safeio import (
    READ_CAP,
    FileBusyError,
    FileTooLargeError,
    NotRegularError,
    open_dir,
    read_regular,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import (
    SpoolPaths,
    clean_staging,
    lock_holders,
    remove_callfile,
    scan,
    spool_lock,
    write_callfile,
)

TEXT = 'Channel: Local/1@answer\nApplication: Echo\n'
SECRET = b'root-only canary 4711\n'


@pytest.fixture(autouse=True)
def alarm():
    """A hang is a failure, not a stuck suite."""
    def _timeout(_signum, _frame):
        raise AssertionError('blocked: the operation did not return within 10 seconds')
    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture
def spool(tmp_path):
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        (tmp_path / name).mkdir()
    return SpoolPaths(outgoing=str(tmp_path / 'outgoing'))


@pytest.fixture
def outside(tmp_path):
    """A directory and a file the spool's account must never see through us."""
    secret_dir = tmp_path / 'root-only'
    secret_dir.mkdir()
    canary = secret_dir / 'key'
    canary.write_bytes(SECRET)
    return secret_dir


def _snapshot(directory):
    return sorted((entry.name, entry.stat(follow_symlinks=False).st_mtime_ns, open(entry.path, 'rb').read())
                  for entry in os.scandir(str(directory)))


def _dir_fd(path):
    return open_dir(str(path), 'test')


# --- read_regular: the descriptor is checked, not the name ---------------------------------------

def test_a_symlink_is_refused_not_followed(spool, outside):
    os.symlink(str(outside / 'key'), os.path.join(spool.done, 'a.call'))
    fd = _dir_fd(spool.done)
    try:
        with pytest.raises(NotRegularError, match='symbolic link'):
            read_regular(fd, 'a.call')
    finally:
        os.close(fd)


def test_a_fifo_is_refused_without_waiting_for_a_writer(spool):
    # Without O_NONBLOCK the open itself waits for a writer forever (the alarm would fire).
    os.mkfifo(os.path.join(spool.done, 'a.call'))
    fd = _dir_fd(spool.done)
    try:
        with pytest.raises(NotRegularError, match='a FIFO, not a regular file'):
            read_regular(fd, 'a.call')
    finally:
        os.close(fd)


def test_a_device_is_refused(spool):
    try:
        os.mknod(os.path.join(spool.done, 'a.call'), stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except OSError as exc:
        pytest.skip('cannot create a device node here: %s' % exc.strerror)
    fd = _dir_fd(spool.done)
    try:
        with pytest.raises(NotRegularError, match='a character device'):
            read_regular(fd, 'a.call')
    finally:
        os.close(fd)


@pytest.mark.parametrize('size', [READ_CAP + 1, 1 << 30, 64 << 30])
def test_a_sparse_huge_file_is_refused_unread(spool, size):
    path = os.path.join(spool.done, 'big.call')
    with open(path, 'wb') as handle:
        handle.truncate(size)
    fd = _dir_fd(spool.done)
    try:
        with pytest.raises(FileTooLargeError, match='%d bytes, more than the %d' % (size, READ_CAP)):
            read_regular(fd, 'big.call')
    finally:
        os.close(fd)


def test_a_file_at_the_cap_is_read_whole(spool):
    data = b'x' * READ_CAP
    with open(os.path.join(spool.done, 'full.call'), 'wb') as handle:
        handle.write(data)
    fd = _dir_fd(spool.done)
    try:
        assert read_regular(fd, 'full.call')[0] == data
    finally:
        os.close(fd)


def test_a_hard_link_to_someone_elses_file_is_refused(spool, outside):
    if os.geteuid() != 0:
        pytest.skip('needs root to give the linked file another owner')
    key = str(outside / 'key')
    os.chown(key, 4242, 4242)
    os.link(key, os.path.join(spool.done, 'a.call'))
    fd = _dir_fd(spool.done)
    try:
        with pytest.raises(NotRegularError, match='2 hard links'):
            read_regular(fd, 'a.call')
    finally:
        os.close(fd)


def _hold_lease(path):
    """A child that holds a write lease on ``path``; returns (pid, release)."""
    ready_r, ready_w = os.pipe()
    stop_r, stop_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        os.close(ready_r)
        os.close(stop_w)
        try:
            # The lease break is announced with SIGIO, which would kill the holder.
            signal.signal(signal.SIGIO, signal.SIG_IGN)
            fd = os.open(path, os.O_RDONLY)
            fcntl.fcntl(fd, getattr(fcntl, 'F_SETLEASE', 1024), fcntl.F_WRLCK)
            os.write(ready_w, b'1')
            os.read(stop_r, 1)
            code = 0
        except OSError:
            os.write(ready_w, b'0')
        finally:
            os._exit(code)  # pylint: disable=protected-access
    os.close(ready_w)
    os.close(stop_r)
    ok = os.read(ready_r, 1) == b'1'
    os.close(ready_r)

    def release():
        os.close(stop_w)
        os.waitpid(pid, 0)
    return ok, release


def test_a_file_under_a_lease_is_busy_not_waited_for(spool):
    path = os.path.join(spool.done, 'leased.call')
    with open(path, 'w') as handle:
        handle.write(TEXT + 'Status: Completed\n')
    ok, release = _hold_lease(path)
    try:
        if not ok:
            pytest.skip('file leases are not available here')
        started = time.monotonic()
        fd = _dir_fd(spool.done)
        try:
            with pytest.raises(FileBusyError, match='busy'):
                read_regular(fd, 'leased.call')
        finally:
            os.close(fd)
        # A blocking open waits for the lease-break time (45 s by default).
        assert time.monotonic() - started < 5
        (found,) = scan(spool)
        assert found.text is None and 'busy' in found.error
    finally:
        release()


# --- scan, info, wait ----------------------------------------------------------------------------

def test_scan_reports_planted_names_and_reads_none_of_them(spool, outside):
    os.symlink(str(outside / 'key'), os.path.join(spool.outgoing, 'link.call'))
    os.mkfifo(os.path.join(spool.done, 'fifo.call'))
    with open(os.path.join(spool.done, 'sparse.call'), 'wb') as handle:
        handle.truncate(1 << 30)
    with open(os.path.join(spool.done, 'real.call'), 'w') as handle:
        handle.write(TEXT + 'Status: Completed\n')
    found = dict((f.name, f) for f in scan(spool))
    assert found['real.call'].text.endswith('Status: Completed\n')
    assert 'a symbolic link, not a regular file' in found['link.call'].error
    assert 'a FIFO, not a regular file' in found['fifo.call'].error
    assert 'more than the %d' % READ_CAP in found['sparse.call'].error
    for name in ('link.call', 'fifo.call', 'sparse.call'):
        assert found[name].text is None
    calls = list_spool(spool, detail='full')[0]
    assert SECRET.decode() not in repr(calls)
    assert sorted(c['status'] for c in calls) == ['completed', 'unknown', 'unknown', 'unknown']


@pytest.mark.parametrize('which, label', [('outgoing', 'spool_dir'), ('outgoing_done', 'outgoing_done')])
def test_a_symlinked_spool_dir_is_refused_not_listed(tmp_path, outside, which, label):
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        if name == which:
            os.symlink(str(outside), str(tmp_path / name))
        else:
            (tmp_path / name).mkdir()
    paths = SpoolPaths(outgoing=str(tmp_path / 'outgoing'))
    with pytest.raises(SpoolError, match='^%s: .*%s is a symbolic link; refused' % (label, which)):
        scan(paths)
    with pytest.raises(SpoolError, match='symbolic link'):
        list_spool(paths, detail='full')


@pytest.mark.parametrize('which, label', [('outgoing', 'spool_dir'), ('tmp', 'staging_dir')])
def test_writing_through_a_symlinked_dir_is_refused_and_creates_nothing(tmp_path, outside, which, label):
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        if name == which:
            os.symlink(str(outside), str(tmp_path / name))
        else:
            (tmp_path / name).mkdir()
    before = _snapshot(outside)
    paths = SpoolPaths(outgoing=str(tmp_path / 'outgoing'))
    with pytest.raises(SpoolError, match='%s: .*symbolic link' % label):
        write_callfile(paths, 'a.call', TEXT, int(time.time()))
    with pytest.raises(SpoolError, match='symbolic link'):
        ensure_calls(paths, [CallRequest(CallSpec('Local/1@answer', application='Echo'), name='x')], lock_timeout=0)
    if which == 'outgoing':
        with pytest.raises(SpoolError, match='symbolic link'):
            remove_callfile(os.path.join(paths.outgoing, 'key'))
    assert _snapshot(outside) == before


def test_wait_stays_bounded_with_a_fifo_at_the_archived_name(spool):
    path = write_callfile(spool, 'w.call', TEXT, int(time.time()) + 3600)
    os.mkfifo(os.path.join(spool.done, 'w.call'))
    started = time.monotonic()
    status, _record, timed_out = wait_for_outcome(spool, path, 0.3, poll=0.05)
    assert (status, timed_out) == ('pending', True)
    assert time.monotonic() - started < 3


# --- clean-up of staged files --------------------------------------------------------------------

def test_cleanup_leaves_a_fifo_and_a_symlink_at_stale_names_alone(spool, outside):
    fifo = os.path.join(spool.staging, '.pycall-x.call.1.aaaa.tmp')
    link = os.path.join(spool.staging, '.pycall-y.call.1.bbbb.tmp')
    os.mkfifo(fifo)
    os.symlink(str(outside / 'key'), link)
    before = _snapshot(outside)
    assert clean_staging(spool, min_age=0, now=time.time() + 3600) == []
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.path.islink(link)
    assert _snapshot(outside) == before


def test_cleanup_still_removes_a_dead_writers_file(spool):
    dead = os.path.join(spool.staging, '.pycall-z.call.1.cccc.tmp')
    with open(dead, 'w') as handle:
        handle.write(TEXT)
    assert clean_staging(spool, min_age=0, now=time.time() + 3600) == [dead]
    assert not os.path.exists(dead)


# --- the lock ------------------------------------------------------------------------------------

def _hold_flock(path):
    """A child holding flock on directory ``path``; returns (pid, release)."""
    ready_r, ready_w = os.pipe()
    stop_r, stop_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(stop_w)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(ready_w, b'1')
            os.read(stop_r, 1)
        finally:
            os._exit(0)  # pylint: disable=protected-access
    os.close(ready_w)
    os.close(stop_r)
    os.read(ready_r, 1)
    os.close(ready_r)

    def release():
        os.close(stop_w)
        os.waitpid(pid, 0)
    return pid, release


def _request(name='x'):
    return CallRequest(CallSpec('Local/1@answer', application='Echo'), name=name)


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_held_lock_fails_in_bounded_time_naming_the_holder(spool, check_mode):
    pid, release = _hold_flock(spool.outgoing)
    try:
        started = time.monotonic()
        with pytest.raises(SpoolError) as info:
            ensure_calls(spool, [_request()], lock_timeout=0.3, check_mode=check_mode)
        assert time.monotonic() - started < 3
    finally:
        release()
    assert str(info.value) == ('lock_timeout: the lock on %s (flock on the directory) was not free within 0.3 seconds '
                               '(held by pid %d); nothing was changed' % (spool.outgoing, pid))
    assert os.listdir(spool.outgoing) == [] and os.listdir(spool.staging) == []


def test_an_unknown_holder_is_said_to_be_unknown(spool, tmp_path):
    pid, release = _hold_flock(spool.outgoing)
    empty = tmp_path / 'locks'
    empty.write_text(u'')
    real = callfile_spool.lock_holders
    try:
        callfile_spool.lock_holders = lambda fd: real(fd, str(empty))
        with pytest.raises(SpoolError, match=r"its holder's pid could not be found in /proc/locks"):
            with spool_lock(spool, timeout=0):
                pass
    finally:
        callfile_spool.lock_holders = real
        release()
    assert pid > 0


def test_lock_holders_reads_proc_locks(spool, tmp_path):
    fd = _dir_fd(spool.outgoing)
    try:
        info = os.fstat(fd)
        inode = '%02x:%02x:%d' % (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino)
        locks = tmp_path / 'locks'
        locks.write_text(u'1: FLOCK  ADVISORY  WRITE 321 %s 0 EOF\n'
                         u'1: -> FLOCK  ADVISORY  WRITE 654 %s 0 EOF\n'
                         u'2: FLOCK  ADVISORY  WRITE 987 00:00:1 0 EOF\n' % (inode, inode))
        assert lock_holders(fd, str(locks)) == [321]
    finally:
        os.close(fd)


def test_runs_with_different_staging_dirs_exclude_each_other(spool, tmp_path):
    other_staging = tmp_path / 'other-tmp'
    other_staging.mkdir()
    other = SpoolPaths(outgoing=spool.outgoing, staging=str(other_staging))
    with spool_lock(spool):
        with pytest.raises(SpoolError, match='lock_timeout'):
            with spool_lock(other, timeout=0.2):
                pass
    with spool_lock(other, timeout=0):
        pass


def test_no_lock_file_anywhere_and_check_mode_creates_nothing(spool):
    ensure_calls(spool, [_request('checked')], check_mode=True)
    assert os.listdir(spool.outgoing) == [] and os.listdir(spool.staging) == [] and os.listdir(spool.done) == []
    ensure_calls(spool, [_request('real')])
    assert os.listdir(spool.staging) == [] and len(os.listdir(spool.outgoing)) == 1


def test_a_planted_lock_file_symlink_is_irrelevant(spool, outside):
    # The old lock file was opened with O_CREAT through whatever stood at tmp/.pycall.lock.
    os.symlink(str(outside / 'nologin'), os.path.join(spool.staging, '.pycall.lock'))
    ensure_calls(spool, [_request()])
    assert not os.path.lexists(str(outside / 'nologin'))


def test_lock_error_other_than_busy_is_reported(spool, monkeypatch):
    def refuse(_fd, _op):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
    monkeypatch.setattr(callfile_spool.fcntl, 'flock', refuse)
    with pytest.raises(SpoolError, match='spool_dir: cannot lock .*: No locks available'):
        with spool_lock(spool):
            pass
