# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A batch of calls costs one durable publish: syncs counted, order and failures checked."""

import os
import stat
import time

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import spool as callfile_spool
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import CallExistsError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_calls
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import CallSpec
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import DEFAULT_MODE, SYNCFS_MIN_FILES, SpoolBatch

TEXT = 'Channel: Local/1@answer\nApplication: Echo\nArchive: yes\n'
DUE = 1790000000


class Syncs:
    """Counts file fsyncs, directory fsyncs and syncfs calls; checks the spool at the syncfs."""

    def __init__(self, monkeypatch, spool, syncfs_result=0):
        self.spool = spool
        self.file_fsyncs = 0
        self.dir_fsyncs = 0
        self.syncfs = 0
        self.seen_at_syncfs = None
        real_fsync = os.fsync

        def fsync(fd):
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                self.dir_fsyncs += 1
            else:
                self.file_fsyncs += 1
            return real_fsync(fd)

        def syncfs(fd):
            self.syncfs += 1
            self.seen_at_syncfs = (sorted(os.listdir(spool.outgoing)), sorted(os.listdir(spool.staging)))
            return syncfs_result

        monkeypatch.setattr(os, 'fsync', fsync)
        monkeypatch.setitem(callfile_spool._LIBC, 'syncfs', (syncfs, None))


def _batch(spool, count, **kwargs):
    batch = SpoolBatch(spool, **kwargs)
    targets = [batch.add('c%d.call' % index, TEXT, DUE) for index in range(count)]
    return batch, targets


def test_a_big_batch_makes_two_syncs_all_staged_before_any_name_appears(spool, monkeypatch):
    syncs = Syncs(monkeypatch, spool)
    batch, targets = _batch(spool, 50)
    assert batch.commit() == targets
    assert (syncs.syncfs, syncs.file_fsyncs, syncs.dir_fsyncs) == (1, 0, 1)
    outgoing, staging = syncs.seen_at_syncfs
    assert outgoing == [] and len(staging) == 50
    assert sorted(os.listdir(spool.outgoing)) == sorted(os.path.basename(t) for t in targets)
    assert os.listdir(spool.staging) == [] and batch.how == 'syncfs'
    info = os.stat(targets[0])
    assert int(info.st_mtime) == DUE and stat.S_IMODE(info.st_mode) == DEFAULT_MODE


def test_a_few_calls_are_synced_by_their_own_fsync(spool, monkeypatch):
    syncs = Syncs(monkeypatch, spool)
    batch, _targets = _batch(spool, SYNCFS_MIN_FILES - 1)
    batch.commit()
    assert (syncs.syncfs, syncs.file_fsyncs, syncs.dir_fsyncs) == (0, SYNCFS_MIN_FILES - 1, 1)


def test_a_failing_syncfs_falls_back_to_each_files_fsync(spool, monkeypatch):
    # The big batch closed its staged files' descriptors: they are reopened by name.
    syncs = Syncs(monkeypatch, spool, syncfs_result=-1)
    batch, _targets = _batch(spool, 20)
    batch.commit()
    assert (syncs.syncfs, syncs.file_fsyncs, syncs.dir_fsyncs) == (1, 20, 1)
    assert batch.how == 'fsync' and len(os.listdir(spool.outgoing)) == 20


def test_no_syncfs_in_the_c_library_falls_back_too(spool, monkeypatch):
    syncs = Syncs(monkeypatch, spool)
    monkeypatch.setitem(callfile_spool._LIBC, 'syncfs', None)
    batch, _targets = _batch(spool, 10)
    batch.commit()
    assert (syncs.file_fsyncs, syncs.dir_fsyncs) == (10, 1)


def test_a_big_batch_keeps_no_descriptor_per_call(spool):
    before = len(os.listdir('/proc/self/fd'))
    batch, _targets = _batch(spool, 200)
    assert len(os.listdir('/proc/self/fd')) - before <= 2 + SYNCFS_MIN_FILES
    batch.commit()


def test_a_failure_while_staging_publishes_nothing_and_leaves_nothing(spool):
    with open(os.path.join(spool.outgoing, 'c3.call'), 'w') as handle:
        handle.write(TEXT)
    batch = SpoolBatch(spool)
    with pytest.raises(CallExistsError):
        for index in range(6):
            batch.add('c%d.call' % index, TEXT, DUE)
    batch.close()
    assert os.listdir(spool.outgoing) == ['c3.call']
    assert os.listdir(spool.staging) == []


def _requests(prefix, count, schedule='+1d'):
    return [CallRequest(CallSpec('Local/%d@answer' % index, application='Echo'), name='%s-%d' % (prefix, index),
                        schedule=schedule) for index in range(count)]


def test_ensure_calls_spools_a_batch_with_two_syncs_and_replaces_rescheduled_files(spool, monkeypatch):
    tomorrow = int(time.time()) + 86400
    ensure_calls(spool, _requests('r', 8, schedule=tomorrow))
    first = sorted(os.listdir(spool.outgoing))
    syncs = Syncs(monkeypatch, spool)
    results = ensure_calls(spool, _requests('r', 8, schedule=tomorrow + 3600))
    assert (syncs.syncfs, syncs.file_fsyncs, syncs.dir_fsyncs) == (1, 0, 1)
    # Rescheduled: each old file went when its new one was published, and only then.
    assert syncs.seen_at_syncfs[0] == first
    now = sorted(os.listdir(spool.outgoing))
    assert len(now) == 8 and not set(now) & set(first)
    assert all(r['changed'] and r['cancelled'] for r in results)


def test_one_call_still_makes_exactly_the_two_syncs_of_the_floor(spool, monkeypatch):
    syncs = Syncs(monkeypatch, spool)
    ensure_calls(spool, _requests('one', 1))
    assert (syncs.syncfs, syncs.file_fsyncs, syncs.dir_fsyncs) == (0, 1, 1)


def _die(*_args, **_kwargs):
    os.kill(os.getpid(), 9)


def _kill_at(step):
    """In the child: SIGKILL itself at ``step`` of a batch's commit."""
    if step == 'syncfs':
        callfile_spool._LIBC['syncfs'] = (_die, None)
    elif step == 'directory fsync':
        callfile_spool.fsync_dir = _die
    else:
        real, done = callfile_spool.rename_noreplace, [0]

        def rename(*args, **kwargs):
            if done[0] == step:
                _die()
            done[0] += 1
            return real(*args, **kwargs)
        callfile_spool.rename_noreplace = rename


@pytest.mark.parametrize('step', ['syncfs', 0, 1, 20, 39, 'directory fsync'])
def test_a_batch_killed_at_any_step_leaves_only_whole_files(spool, step):
    requests = _requests('k', 40)
    texts = dict((r.name, r.text) for r in requests)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child kills itself
        try:
            _kill_at(step)
            ensure_calls(spool, requests)
        finally:
            os._exit(3)
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9
    published = os.listdir(spool.outgoing)
    # Nothing appears before the whole batch is staged and synced; then one by one, whole.
    expected = {'syncfs': 0, 'directory fsync': 40}.get(step, step)
    assert len(published) == expected
    for name in published:
        with open(os.path.join(spool.outgoing, name)) as handle:
            assert handle.read() == texts[name.rsplit('.', 2)[0]]
    staged = os.listdir(spool.staging)
    assert len(staged) == 40 - expected and all(n.startswith('.pycall-') for n in staged)
    # A later run spools the rest, each call once.
    ensure_calls(spool, requests)
    assert sorted(n.rsplit('.', 2)[0] for n in os.listdir(spool.outgoing)) == sorted(texts)
