# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_report import list_calls

BODY = 'Channel: Local/1@busy\nApplication: Echo\nMaxRetries: 2\nArchive: yes\n'


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
    calls = dict((c['name'], c) for c in list_calls(spool))
    assert dict((n, c['status']) for n, c in calls.items()) == {
        'a': 'pending', 'b': 'in_progress', 'c': 'completed', 'd': 'failed', 'e': 'expired', 'foreign': 'unknown'}
    assert calls['a']['due']['epoch'] == 1790000300 and calls['a']['next_retry'] is None
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
    assert [c['name'] for c in list_calls(spool, names=['c'])] == ['c']
    assert [c['name'] for c in list_calls(spool, statuses=['pending'])] == ['a']
    assert list_calls(spool, names=['zzz']) == []


def test_dialing_has_no_known_next_attempt(spool):
    # While dialling, the mtime (start + 2 * RetryTime) is only when Asterisk looks again.
    put(spool.outgoing, 'd.0123456789abcdef.call', BODY + 'RetryTime: 10\nStartRetry: 7 1 (1790000010)\n', 1790000020)
    call = list_calls(spool)[0]
    assert call['phase'] == 'dialing' and call['status'] == 'in_progress'
    assert call['next_retry'] is None and call['due'] is None
    assert call['attempt_log'][0]['started'] == 1790000000 and call['attempt_log'][0]['outcome'] == 'running'
    assert (call['attempts'], call['attempts_left']) == (1, 2)


def test_stuck_after_a_restart_under_the_same_pid(spool):
    put(spool.outgoing, 's.0123456789abcdef.call', BODY + 'RetryTime: 10\nStartRetry: 7 1 (1790000010)\n'
        'DelayedRetry: 7 1 (1790000030)\n', 1790000040)
    call = list_calls(spool, asterisk=(7, 1790000025))[0]
    assert call['phase'] == 'stuck' and call['status'] == 'in_progress'
    assert 'DelayedRetry forever' in call['stuck_reason']
    assert call['attempt_log'][0]['outcome'] == 'stuck' and call['attempt_log'][0]['delayed_retries'] == 1
