# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import os

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.report import wait_for_outcome
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.listing import list_spool

BODY = 'Channel: Local/1@busy\nApplication: Echo\nMaxRetries: 2\nArchive: yes\n'


def list_spool_full(paths, **filters):
    """Every call with its full description, as asterisk_callfile_info detail=full lists them."""
    return list_spool(paths, detail='full', **filters)[0]


def put(directory, name, text, mtime=1790000000):
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        handle.write(text)
    os.utime(path, (mtime, mtime))
    return path


def test_states_told_from_asterisks_notes(spool):
    put(spool.outgoing, 'a.0123456789abcdef.call', BODY, 1790000300)
    put(spool.outgoing, 'b.0123456789abcdef.call', BODY + 'StartRetry: 7 1 (1790000300)\nEndRetry: 7 1 (1790000030)\n',
        1790000330)
    put(spool.done, 'c.0123456789abcdef.call', BODY + 'StartRetry: 7 1 (1790000000)\nStatus: Completed\n')
    put(spool.done, 'd.0123456789abcdef.call', BODY + 'Status: Failed\n')
    put(spool.done, 'e.0123456789abcdef.call', BODY + 'Status: Expired\n')
    put(spool.outgoing, 'foreign.call', 'this is not a call file\n', 1)
    calls = dict((c['name'], c) for c in list_spool_full(spool))
    assert dict((n, c['status']) for n, c in calls.items()) == {
        'a': 'pending', 'b': 'in_progress', 'c': 'completed', 'd': 'failed', 'e': 'expired', 'foreign': 'unknown'}
    assert calls['a']['schedule']['epoch'] == 1790000300 and calls['a']['next_retry'] is None
    assert calls['b']['next_retry']['epoch'] == 1790000330
    assert (calls['b']['attempts'], calls['b']['max_attempts']) == (1, 3)
    assert calls['b']['attempt_log'] == [{'pid': 7, 'number': 1, 'started': 1790000000, 'ended': 1790000030,
                                          'outcome': 'failed', 'aborted_at': None, 'delayed_retries': 0}]
    assert calls['b']['phase'] == 'waiting' and calls['b']['attempts_left'] == 2
    assert calls['a']['phase'] == 'queued' and calls['c']['phase'] == 'finished'
    # The final attempt has no EndRetry: its end is when Asterisk archived it (the mtime).
    assert calls['c']['attempt_log'][0]['outcome'] == 'final' and calls['c']['attempt_log'][0]['ended'] == 1790000000
    assert calls['c']['fields']['channel'] == 'Local/1@busy'
    assert calls['foreign']['errors']


def test_filters(spool):
    put(spool.outgoing, 'a.0123456789abcdef.call', BODY)
    put(spool.done, 'c.0123456789abcdef.call', BODY + 'Status: Completed\n')
    assert [c['name'] for c in list_spool_full(spool, names=['c'])] == ['c']
    assert [c['name'] for c in list_spool_full(spool, statuses=['pending'])] == ['a']
    assert list_spool_full(spool, names=['zzz']) == []


def test_dialing_has_no_known_next_attempt(spool):
    # While dialling, the mtime (start + 2 * RetryTime) is only when Asterisk looks again.
    put(spool.outgoing, 'd.0123456789abcdef.call', BODY + 'RetryTime: 10\nStartRetry: 7 1 (1790000010)\n', 1790000020)
    call = list_spool_full(spool)[0]
    assert call['phase'] == 'dialing' and call['status'] == 'in_progress'
    assert call['next_retry'] is None and call['schedule'] is None
    assert call['attempt_log'][0]['started'] == 1790000000 and call['attempt_log'][0]['outcome'] == 'running'
    assert (call['attempts'], call['attempts_left']) == (1, 2)


def test_stuck_after_a_restart_under_the_same_pid(spool):
    put(spool.outgoing, 's.0123456789abcdef.call', BODY + 'RetryTime: 10\nStartRetry: 7 1 (1790000010)\n'
        'DelayedRetry: 7 1 (1790000030)\n', 1790000040)
    call = list_spool_full(spool, asterisk=(7, 1790000025))[0]
    assert call['phase'] == 'stuck' and call['status'] == 'in_progress'
    assert 'DelayedRetry forever' in call['stuck_reason']
    assert call['attempt_log'][0]['outcome'] == 'stuck' and call['attempt_log'][0]['delayed_retries'] == 1


class Clock:
    """A fake clock; ``sleep`` advances it and runs what the test wants to happen meanwhile."""

    def __init__(self, meanwhile=None):
        self.now = 0.0
        self.meanwhile = meanwhile

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        if self.meanwhile:
            self.meanwhile(self.now)


def test_a_cancelled_file_is_vanished_at_once_not_after_the_timeout(spool):
    queued = put(spool.outgoing, 'page-1.0123456789abcdef.call', BODY, 1790000300)

    def cancel(now):
        if now >= 1.0 and os.path.exists(queued):
            os.unlink(queued)      # what state=absent of another run does

    clock = Clock(cancel)
    status, record, timed_out = wait_for_outcome(spool, queued, 300, clock=clock, sleep=clock.sleep)
    assert (status, record, timed_out) == ('vanished', None, False)
    assert clock.now == 1.0


def test_a_file_archived_before_its_status_is_written_is_waited_for(spool):
    queued = put(spool.outgoing, 'page-2.0123456789abcdef.call', BODY, 1790000300)
    archived = os.path.join(spool.done, os.path.basename(queued))

    def asterisk(now):
        # Asterisk renames the file into outgoing_done first, appends Status later.
        if now == 0.5:
            os.rename(queued, archived)
        elif now == 1.5:
            with open(archived, 'a') as handle:
                handle.write('StartRetry: 7 1 (1790000300)\nStatus: Completed\n')

    clock = Clock(asterisk)
    status, record, timed_out = wait_for_outcome(spool, queued, 300, clock=clock, sleep=clock.sleep)
    assert (status, timed_out, clock.now) == ('completed', False, 1.5)
    assert record.status == 'Completed'


def test_a_queued_file_is_waited_for_until_the_timeout(spool):
    queued = put(spool.outgoing, 'page-3.0123456789abcdef.call', BODY, 1790000300)
    clock = Clock()
    status, record, timed_out = wait_for_outcome(spool, queued, 3, clock=clock, sleep=clock.sleep)
    assert (status, timed_out, clock.now) == ('pending', True, 3.0)
    assert record is not None


def test_a_fifo_at_the_name_is_waited_out_not_taken_for_a_cancellation(spool):
    queued = os.path.join(spool.outgoing, 'page-4.0123456789abcdef.call')
    os.mkfifo(queued)
    clock = Clock()
    status, record, timed_out = wait_for_outcome(spool, queued, 2, clock=clock, sleep=clock.sleep)
    assert (status, record, timed_out, clock.now) == ('vanished', None, True, 2.0)
