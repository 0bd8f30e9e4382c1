# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument handling and the decisions of a named call, on a plain directory."""

import os
import time

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import (
    build_spec,
    given_arguments,
    manage_call,
    parse_mode,
)

SEED = {'trunk_type': 'Local', 'trunk_name': 'from-internal', 'number': '18002223333',
        'application': 'Playback', 'data': 'hello-world', 'archive': True, 'state': 'present',
        'schedule': 'now', 'force': False}


def params(spool, **extra):
    out = dict(SEED, spool_dir=spool.outgoing)
    out.update(extra)
    return out


def files(path):
    return sorted(name for name in os.listdir(path) if not name.startswith('.pycall.lock'))


def test_seed_parameters_build_the_pycall_channel():
    spec = build_spec(SEED)
    assert spec.channel == 'Local/18002223333@from-internal'
    assert spec.render().endswith('Archive: yes\n')


def test_channel_or_trunk_is_required():
    with pytest.raises(ValidationError, match='channel: is required'):
        build_spec({'application': 'Echo'})


def test_errors_name_the_parameter():
    with pytest.raises(ValidationError) as info:
        build_spec(dict(SEED, number='1\nApplication: System'))
    assert info.value.field == 'number'
    with pytest.raises(ValidationError) as info:
        build_spec(dict(SEED, secret_variables={'TOKEN': 'x\n'}))
    assert info.value.field == 'secret_variables[TOKEN]'
    assert 'x\n' not in str(info.value)
    with pytest.raises(ValidationError, match='secret_variables: must not repeat'):
        build_spec(dict(SEED, variables={'A': '1'}, secret_variables={'A': '2'}))


def test_secret_variables_are_written_after_plain_ones():
    spec = build_spec(dict(SEED, variables={'A': '1'}, secret_variables={'PIN': '1234'}))
    assert spec.variables == [('A', '1'), ('PIN', '1234')]


@pytest.mark.parametrize('value, expected', [(None, 0o600), ('0600', 0o600), ('640', 0o640), (0o600, 0o600)])
def test_mode(value, expected):
    assert parse_mode(value) == expected


@pytest.mark.parametrize('value', ['rw-r-----', '0999', '', '77777', True])
def test_bad_mode(value):
    with pytest.raises(ValidationError, match='mode'):
        parse_mode(value)


def test_same_call_twice_is_spooled_once(spool):
    first = manage_call(params(spool))
    second = manage_call(params(spool))
    assert first['changed'] and not second['changed']
    assert first['name'] == second['name'] and first['name'].startswith('call-')
    assert second['status'] == 'pending' and second['call_file'] == first['call_file']
    assert files(spool.outgoing) == [os.path.basename(first['call_file'])]


def test_check_mode_writes_nothing(spool):
    result = manage_call(params(spool), check_mode=True)
    assert result['changed'] and result['status'] == 'pending'
    assert files(spool.outgoing) == [] and files(spool.staging) == []


def test_changed_call_gets_a_new_file_and_the_old_is_cancelled(spool):
    later = int(time.time()) + 3600
    first = manage_call(params(spool, name='wake', schedule=str(later)))
    same = manage_call(params(spool, name='wake', schedule=str(later)))
    moved = manage_call(params(spool, name='wake', schedule=str(later + 60)))
    assert not same['changed']
    assert moved['changed'] and moved['cancelled'] == [first['call_file']]
    assert moved['call_file'] != first['call_file']
    assert files(spool.outgoing) == [os.path.basename(moved['call_file'])]
    assert int(os.stat(moved['call_file']).st_mtime) == later + 60
    assert moved['diff']['before'] == first['content']


def test_call_that_already_ran_is_not_repeated_unless_forced(spool):
    first = manage_call(params(spool, name='once'))
    # What Asterisk does with an archived call: move it and append the status.
    done = os.path.join(spool.done, os.path.basename(first['call_file']))
    os.rename(first['call_file'], done)
    with open(done, 'a') as handle:
        handle.write('Status: Completed\n')
    again = manage_call(params(spool, name='once'))
    assert not again['changed'] and again['status'] == 'completed' and again['call_file'] == done
    forced = manage_call(params(spool, name='once', force=True))
    assert forced['changed'] and forced['status'] == 'pending'
    assert os.path.basename(forced['call_file']) != os.path.basename(done)


def test_in_flight_call_is_never_touched(spool):
    first = manage_call(params(spool, name='busy'))
    with open(first['call_file'], 'a') as handle:
        handle.write('StartRetry: 99 1 (%d)\n' % int(time.time()))
    changed = manage_call(params(spool, name='busy', data='goodbye'))
    cancel = manage_call(params(spool, name='busy', state='absent'))
    assert not changed['changed'] and changed['status'] == 'in_progress'
    assert 'in flight' in changed['msg']
    assert not cancel['changed'] and cancel['in_flight'] == [first['call_file']]
    assert os.path.exists(first['call_file'])


def test_absent_cancels_pending(spool):
    first = manage_call(params(spool, name='cancel-me', schedule='+1h'))
    check = manage_call(params(spool, name='cancel-me', state='absent'), check_mode=True)
    assert check['changed'] and os.path.exists(first['call_file'])
    gone = manage_call(params(spool, name='cancel-me', state='absent'))
    again = manage_call(params(spool, name='cancel-me', state='absent'))
    assert gone['changed'] and gone['status'] == 'absent' and gone['cancelled'] == [first['call_file']]
    assert not again['changed']
    assert files(spool.outgoing) == []


def test_relative_schedule_is_satisfied_by_the_pending_call(spool):
    first = manage_call(params(spool, name='rel', schedule='+1h'))
    second = manage_call(params(spool, name='rel', schedule='+1h'))
    assert not second['changed'] and second['call_file'] == first['call_file']


def test_bad_schedule_and_name_leave_nothing(spool):
    with pytest.raises(ValidationError, match='schedule'):
        manage_call(params(spool, schedule='yesterday-ish'))
    with pytest.raises(ValidationError, match='name'):
        manage_call(params(spool, name='../../etc/x'))
    assert files(spool.outgoing) == [] and files(spool.staging) == []


def test_batch_spools_every_entry_spaced_in_one_run(spool):
    base = int(time.time()) + 600
    result = manage_call(params(spool, name='roster', schedule=str(base), spacing=30, detail='full',
                                calls=[{'channel': 'PJSIP/201'}, {'channel': 'PJSIP/202'},
                                       {'trunk_type': 'SIP', 'trunk_name': 't', 'number': '3', 'name': 'third'}]))
    assert result['changed'] and [c['name'] for c in result['calls']] == ['roster-1', 'roster-2', 'third']
    due = [int(os.stat(c['call_file']).st_mtime) for c in result['calls']]
    assert due == [base, base + 30, base + 60]
    assert result['calls'][2]['content'].startswith('Channel: SIP/t/3\n')
    again = manage_call(params(spool, name='roster', schedule=str(base), spacing=30,
                               calls=[{'channel': 'PJSIP/201'}, {'channel': 'PJSIP/202'},
                                      {'trunk_type': 'SIP', 'trunk_name': 't', 'number': '3', 'name': 'third'}]))
    assert not again['changed']


def test_batch_entries_are_compact_unless_detail_full(spool):
    entries = [{'channel': 'PJSIP/201'}, {'channel': 'PJSIP/202'}]
    compact = manage_call(params(spool, name='c', calls=entries))
    full = manage_call(params(spool, name='f', calls=entries, detail='full'))
    bulk = {'content', 'cancelled', 'in_flight', 'cancelled_waiting', 'stuck'}
    for entry in compact['calls']:
        assert set(entry) == {'changed', 'name', 'call_file', 'status', 'phase', 'schedule', 'msg'}
    for entry in full['calls']:
        assert bulk <= set(entry) and entry['content'].startswith('Channel: PJSIP/20')
    # The batch's diff still shows every file's text, whatever the detail.
    assert compact['diff']['after'].count('Channel: PJSIP/20') == 2


def test_batch_echo_keeps_only_what_each_entry_gave():
    params = {'name': 'r', 'spacing': 0, 'calls': [{'channel': 'PJSIP/1', 'data': None, 'archive': False},
                                                   {'channel': None, 'number': '2'}]}
    echoed = given_arguments(params)
    assert echoed['calls'] == [{'channel': 'PJSIP/1', 'archive': False}, {'number': '2'}]
    assert echoed['spacing'] == 0 and echoed['name'] == 'r'
    assert params['calls'][0]['data'] is None  # the module's own parameters are left as they were


def test_batch_with_one_invalid_entry_writes_nothing(spool):
    with pytest.raises(ValidationError) as info:
        manage_call(params(spool, calls=[{'channel': 'PJSIP/1'}, {'channel': 'PJSIP/2', 'data': 'x\ny'}]))
    assert info.value.field == 'calls[1].data'
    # run-wide options (spacing, owner, wait...) are not call options
    with pytest.raises(ValidationError, match=r'calls\[0\]: unsupported option\(s\): spacing'):
        manage_call(params(spool, calls=[{'channel': 'PJSIP/1', 'spacing': 5}]))
    with pytest.raises(ValidationError, match='must be unique'):
        manage_call(params(spool, calls=[{'channel': 'PJSIP/1'}, {'channel': 'PJSIP/1'}]))
    assert files(spool.outgoing) == [] and files(spool.staging) == []


def test_entry_action_replaces_task_action():
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import merge_call
    merged = merge_call(dict(SEED, name=None), {'context': 'c', 'extension': 'e'}, 0)
    assert merged['application'] is None and merged['data'] is None and merged['context'] == 'c'
    assert merged['trunk_type'] == 'Local'
    refined = merge_call(dict(SEED, name=None), {'number': '42', 'data': 'goodbye'}, 0)
    assert (refined['trunk_name'], refined['number'], refined['application'], refined['data']) == (
        'from-internal', '42', 'Playback', 'goodbye')
    with pytest.raises(ValidationError, match='number: cannot be combined with channel'):
        build_spec(merge_call({'channel': 'PJSIP/1', 'application': 'Echo'}, {'number': '42'}, 0))


def test_wait_reports_asterisks_status(spool):
    first = manage_call(params(spool, name='w'))
    done = os.path.join(spool.done, os.path.basename(first['call_file']))
    os.rename(first['call_file'], done)
    with open(done, 'a') as handle:
        handle.write('StartRetry: 1 1 (2)\nEndRetry: 1 1 (3)\nStatus: Expired\n')
    # A call spooled with wait whose outcome is already archived returns at once.
    waited = manage_call(params(spool, name='w', wait=True, wait_timeout=1, force=True))
    assert waited['timed_out'] and waited['status'] == 'pending'
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.report import wait_for_outcome
    status, record, timed_out = wait_for_outcome(spool, done, 1)
    assert (status, len(record.attempts), timed_out) == ('expired', 1, False)


def test_wait_needs_archive(spool):
    with pytest.raises(ValidationError, match='wait: needs archive=true'):
        manage_call(params(spool, wait=True, archive=False))


def test_a_waited_call_cancelled_by_another_run_is_vanished_and_keeps_its_path(spool):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import _wait
    queued = manage_call(params(spool, name='gone', schedule='+1h'))
    os.unlink(queued['call_file'])      # another run's state=absent
    _wait(spool, [queued], 30)
    assert (queued['status'], queued['timed_out'], queued['attempts']) == ('vanished', False, 0)
    # Not rewritten to an outgoing_done path that does not exist.
    assert queued['call_file'].startswith(spool.outgoing)
