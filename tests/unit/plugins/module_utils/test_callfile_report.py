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
    put(spool.outgoing, 'b.0123456789abcdef.call', BODY + 'StartRetry: 7 1 (1790000000)\nEndRetry: 7 1 (1790000030)\n',
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
    assert calls['b']['attempt_log'] == [{'pid': 7, 'number': 1, 'started': 1790000000, 'ended': 1790000030}]
    assert calls['c']['fields']['channel'] == 'Local/1@busy'
    assert calls['foreign']['errors']


def test_filters(spool):
    put(spool.outgoing, 'a.0123456789abcdef.call', BODY)
    put(spool.done, 'c.0123456789abcdef.call', BODY + 'Status: Completed\n')
    assert [c['name'] for c in list_calls(spool, names=['c'])] == ['c']
    assert [c['name'] for c in list_calls(spool, statuses=['pending'])] == ['a']
    assert list_calls(spool, names=['zzz']) == []
