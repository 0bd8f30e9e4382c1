# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import fcntl
import os
import stat
import time

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import spool as callfile_spool
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import (
    CallExistsError,
    NoUserError,
    SpoolError,
    StagingFilesystemError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import (
    SpoolPaths,
    clean_staging,
    rename_noreplace,
    resolve_ownership,
    scan,
    spool_root,
    write_callfile,
)

TEXT = 'Channel: Local/1@answer\nApplication: Echo\n'


def listing(path):
    return sorted(os.listdir(path))


def test_paths_default_beside_outgoing(spool, tmp_path):
    assert spool.staging == str(tmp_path / 'tmp')
    assert spool.done == str(tmp_path / 'outgoing_done')


def test_spool_root_from_asterisk_conf(tmp_path):
    conf = tmp_path / 'asterisk.conf'
    conf.write_text('[options]\nastspooldir => /wrong\n[directories] ; real\n'
                    'astetcdir => /etc/asterisk\nastspooldir => /srv/spool ; comment\n')
    assert spool_root(str(conf)) == '/srv/spool'
    assert SpoolPaths(asterisk_conf=str(conf)).outgoing == '/srv/spool/outgoing'
    # Asterisk ignores a template section: the compiled-in default applies.
    conf.write_text('[directories](!)\nastspooldir => /srv/spool\n')
    assert spool_root(str(conf)) == '/var/spool/asterisk'
    conf.write_text('[directories]\nastetcdir => /etc/asterisk\n')
    assert spool_root(str(conf)) == '/var/spool/asterisk'
    assert spool_root(str(tmp_path / 'missing.conf')) == '/var/spool/asterisk'


def test_write_publishes_complete_file_with_mode_and_mtime(spool):
    due = int(time.time()) + 3600
    path = write_callfile(spool, 'alert.call', TEXT, due, mode=0o640)
    assert path == os.path.join(spool.outgoing, 'alert.call')
    info = os.stat(path)
    assert open(path).read() == TEXT
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert int(info.st_mtime) == due
    # Only the lock file may remain in staging.
    assert listing(spool.staging) == []


def test_default_mode_is_not_world_readable(spool):
    path = write_callfile(spool, 'a.call', TEXT, int(time.time()))
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o007 == 0


def test_never_replaces_an_existing_call(spool):
    write_callfile(spool, 'a.call', TEXT, int(time.time()))
    with pytest.raises(CallExistsError):
        write_callfile(spool, 'a.call', 'Channel: Local/2@x\nApplication: Echo\n', int(time.time()))
    assert open(os.path.join(spool.outgoing, 'a.call')).read() == TEXT
    assert listing(spool.staging) == []


def test_rename_noreplace_refuses_existing_target(tmp_path):
    (tmp_path / 'src').write_text('new')
    (tmp_path / 'dst').write_text('old')
    with pytest.raises(OSError):
        rename_noreplace(str(tmp_path / 'src'), str(tmp_path / 'dst'))
    assert (tmp_path / 'dst').read_text() == 'old'
    rename_noreplace(str(tmp_path / 'src'), str(tmp_path / 'new'))
    assert (tmp_path / 'new').read_text() == 'new'


@pytest.mark.parametrize('failing', ['fsync', 'fchmod', 'fchown', 'utime'])
def test_failure_at_any_step_leaves_nothing_behind(spool, monkeypatch, failing):
    def boom(*args, **kwargs):
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(callfile_spool.os, failing, boom)
    with pytest.raises(SpoolError) as info:
        write_callfile(spool, 'a.call', TEXT, int(time.time()), uid=os.getuid(), gid=os.getgid())
    assert 'No space left on device' in str(info.value)
    assert listing(spool.outgoing) == []
    assert listing(spool.staging) == []


def test_failed_rename_leaves_nothing_behind(spool, monkeypatch):
    def boom(*args):
        raise OSError(30, 'Read-only file system')
    monkeypatch.setattr(callfile_spool, 'rename_noreplace', boom)
    with pytest.raises(SpoolError, match='Read-only file system'):
        write_callfile(spool, 'a.call', TEXT, int(time.time()))
    assert listing(spool.outgoing) == [] and listing(spool.staging) == []


def test_missing_dirs_are_named(spool, tmp_path):
    with pytest.raises(SpoolError, match='spool_dir: .*nowhere'):
        write_callfile(SpoolPaths(outgoing=str(tmp_path / 'nowhere')), 'a.call', TEXT, 0)
    with pytest.raises(SpoolError, match='staging_dir: .*nostage'):
        write_callfile(SpoolPaths(outgoing=spool.outgoing, staging=str(tmp_path / 'nostage')), 'a.call', TEXT, 0)


def test_staging_on_another_filesystem_is_refused(spool):
    other = '/dev/shm'
    if not os.path.isdir(other) or os.stat(other).st_dev == os.stat(spool.outgoing).st_dev:
        pytest.skip('no second filesystem to test with')
    paths = SpoolPaths(outgoing=spool.outgoing, staging=other)
    before = listing(other)
    with pytest.raises(StagingFilesystemError, match='same filesystem'):
        write_callfile(paths, 'a.call', TEXT, 0)
    assert listing(spool.outgoing) == [] and listing(other) == before


@pytest.mark.parametrize('name', ['', '.hidden', '../escape', 'a/b', 'a b', 'x' * 201])
def test_unsafe_file_names_are_refused(spool, name):
    with pytest.raises(Exception) as info:
        write_callfile(spool, name, TEXT, 0)
    assert 'name' in str(info.value)
    assert listing(spool.outgoing) == []


def test_ownership_defaults_to_spool_owner(spool):
    info = os.stat(spool.outgoing)
    assert resolve_ownership(spool) == (info.st_uid, info.st_gid)
    assert resolve_ownership(spool, owner=str(os.getuid())) == (os.getuid(), info.st_gid)


def test_unknown_owner_and_group(spool):
    with pytest.raises(NoUserError, match='owner: user .no-such-user-xyz. does not exist'):
        resolve_ownership(spool, owner='no-such-user-xyz')
    with pytest.raises(NoUserError, match='group: group .no-such-group-xyz. does not exist'):
        resolve_ownership(spool, group='no-such-group-xyz')


def _in_child_as(uid, func):
    """Run func() in a child that dropped to ``uid``; return what it raised."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        result = 'none'
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            func()
        except Exception as exc:  # report any outcome to the parent
            result = '%s: %s' % (type(exc).__name__, exc)
        os.write(write, result.encode())
        os._exit(0)
    os.close(write)
    data = os.read(read, 4096).decode()
    os.waitpid(pid, 0)
    return data


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root to drop to another user')
def test_refuses_to_write_a_file_asterisk_could_not_update(shared_spool):
    # Spool owned by root; a process running as nobody may not hand files to root.
    outcome = _in_child_as(65534, lambda: resolve_ownership(shared_spool))
    assert outcome.startswith('NoPermissionError: owner:'), outcome
    assert 'become' in outcome
    assert listing(shared_spool.outgoing) == []


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root to drop to another user')
def test_unreachable_spool_names_the_fix(shared_spool):
    os.chmod(os.path.dirname(shared_spool.outgoing), 0o700)
    outcome = _in_child_as(65534, lambda: resolve_ownership(shared_spool))
    assert outcome.startswith('NoPermissionError: spool_dir:'), outcome
    assert 'become_user' in outcome and 'Permission denied' in outcome


def test_clean_staging_removes_only_dead_old_leftovers(spool):
    def leftover(name):
        path = os.path.join(spool.staging, name)
        with open(path, 'w') as handle:
            handle.write('Channel: Local/1@a\n')
        return path
    dead = leftover('.pycall-a.call.1.abcd.tmp')
    live = leftover('.pycall-b.call.2.abcd.tmp')
    foreign = leftover('someone-elses.tmp')
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert clean_staging(spool, min_age=300) == []
        assert clean_staging(spool, min_age=300, now=time.time() + 600) == [dead]
    finally:
        os.close(fd)
    assert os.path.exists(live) and os.path.exists(foreign) and not os.path.exists(dead)


def test_scan_reads_both_places_in_one_pass(spool):
    write_callfile(spool, 'a.call', TEXT, 2000000000)
    with open(os.path.join(spool.done, 'b.call'), 'w') as handle:
        handle.write(TEXT + 'Status: Completed\n')
    os.mkdir(os.path.join(spool.outgoing, 'subdir'))
    found = {(f.location, f.name): f for f in scan(spool)}
    assert sorted(found) == [('done', 'b.call'), ('outgoing', 'a.call')]
    assert found[('outgoing', 'a.call')].mtime == 2000000000
    assert found[('done', 'b.call')].text.endswith('Status: Completed\n')
    assert [f.name for f in scan(spool, include_done=False, match=lambda n: n.startswith('b'))] == []
