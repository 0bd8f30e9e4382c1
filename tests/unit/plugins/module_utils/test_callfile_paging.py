# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import os

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import paging
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import parse_callfile
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import build_spec, manage_call

PAGE = {'name': 'page-4711-primary', 'channel': 'PJSIP/100', 'acknowledge': True, 'archive': True,
        'state': 'present', 'schedule': 'now', 'force': False}


def page(**extra):
    out = dict(PAGE)
    out.update(extra)
    return out


def test_a_page_runs_the_paging_context_with_its_variables():
    spec = build_spec(page(page_message='Disk full on db1', variables={'ALERT_ID': '4711'}))
    assert (spec.context, spec.extension, spec.priority) == ('pycall-page', 's', 1)
    assert spec.application is None
    assert dict(spec.variables) == {'ALERT_ID': '4711', 'PYCALL_PAGE': 'page-4711-primary',
                                    'PYCALL_MESSAGE': 'Disk full on db1', 'PYCALL_SPELL': '4711',
                                    'PYCALL_ACK_DIGIT': '1', 'PYCALL_ACK_REPEATS': '3'}


def test_without_an_alert_id_the_name_is_spelled_and_the_message_may_be_empty():
    variables = dict(build_spec(page()).variables)
    assert variables['PYCALL_SPELL'] == 'page-4711-primary' and variables['PYCALL_MESSAGE'] == ''


def test_a_hostile_message_is_only_ever_a_value():
    message = 'act now; ${EVIL} $[1+1] "q" \\o/ a=b: c, d'
    text = build_spec(page(page_message=message)).render()
    assert text.count('\n') == len(text.splitlines())
    record = parse_callfile(text)
    assert dict(record.spec.variables)['PYCALL_MESSAGE'] == message
    assert record.spec.context == 'pycall-page' and record.spec.application is None


@pytest.mark.parametrize('message', ['line\nApplication: System', 'cr\rx', 'nul\x00', 'tab #comment'])
def test_a_message_that_would_inject_directives_is_refused(message):
    with pytest.raises(ValidationError) as err:
        build_spec(page(page_message=message))
    assert err.value.field == 'page_message'


@pytest.mark.parametrize('digit', ['0', '9', '*', '#'])
def test_every_phone_key_can_acknowledge(digit):
    assert dict(build_spec(page(ack_digit=digit)).variables)['PYCALL_ACK_DIGIT'] == digit


@pytest.mark.parametrize('field,value', [('ack_digit', '12'), ('ack_digit', 'a'), ('ack_digit', ''),
                                         ('ack_digit', 1), ('ack_repeats', 0), ('ack_repeats', 21),
                                         ('ack_repeats', True), ('page_message', 5)])
def test_bad_paging_values_name_the_parameter(field, value):
    with pytest.raises(ValidationError) as err:
        build_spec(page(**{field: value}))
    assert err.value.field == field


@pytest.mark.parametrize('field,value', [('application', 'Playback'), ('context', 'x'), ('extension', 's'),
                                         ('priority', 2), ('data', 'x')])
def test_a_page_cannot_also_run_something_else(field, value):
    with pytest.raises(ValidationError) as err:
        build_spec(page(**{field: value}))
    assert err.value.field == field and 'acknowledge' in err.value.rule


def test_paging_options_need_acknowledge():
    with pytest.raises(ValidationError) as err:
        build_spec(dict(PAGE, acknowledge=False, application='Echo', page_message='hi'))
    assert err.value.field == 'page_message'


def test_a_page_needs_a_name_and_keeps_its_variables_to_itself():
    with pytest.raises(ValidationError) as err:
        build_spec(page(name=None))
    assert err.value.field == 'name'
    with pytest.raises(ValidationError) as err:
        build_spec(page(variables={'PYCALL_ACK_DIGIT': '5'}))
    assert err.value.field == 'variables' and 'PYCALL_ACK_DIGIT' in err.value.rule


def test_check_mode_predicts_an_unacknowledged_page_and_writes_nothing(spool):
    result = manage_call(page(spool_dir=spool.outgoing), check_mode=True)
    assert result['changed'] and result['status'] == 'pending'
    assert result['acknowledged'] is False and result['acknowledged_at'] is None
    assert 'Context: pycall-page\n' in result['content']
    assert os.listdir(spool.outgoing) in ([], ['.pycall.lock'])


def test_a_batch_pages_every_entry_the_same_way(spool):
    result = manage_call(page(name='roster', channel=None, ack_digit='5', spool_dir=spool.outgoing, detail='full',
                              calls=[{'channel': 'PJSIP/1'}, {'channel': 'PJSIP/2', 'name': 'second'}]),
                         check_mode=True)
    spooled = [parse_callfile(call['content']).spec for call in result['calls']]
    assert [dict(s.variables)['PYCALL_PAGE'] for s in spooled] == ['roster-1', 'second']
    assert all(dict(s.variables)['PYCALL_ACK_DIGIT'] == '5' and s.context == 'pycall-page' for s in spooled)


def test_asterisk_database_get_output():
    assert paging.parse_db_get('Value: 1798101012\n') == 1798101012
    assert paging.parse_db_get('Database entry not found.\n') is None
    assert paging.parse_db_get('') is None
    assert paging.parse_db_get('Value: soon\n') is None


def test_ack_result():
    assert paging.ack_result(None) == {'acknowledged': False, 'acknowledged_at': None}
    assert paging.ack_result(1798101012) == {
        'acknowledged': True, 'acknowledged_at': {'epoch': 1798101012, 'iso_utc': '2026-12-24T08:30:12Z'}}


def test_info_asks_asterisk_for_pages_only():
    asked = []

    def read(name):
        asked.append(name)
        return 1798101012 if name == 'p1' else None

    fields = build_spec(page(name='p1')).as_dict()
    calls = [{'name': 'p1', 'fields': fields},
             {'name': 'p2', 'fields': build_spec(page(name='p2')).as_dict()},
             {'name': 'plain', 'fields': {'context': 'pycall-page', 'variables': {}}},
             {'name': 'broken', 'fields': None}]
    assert paging.annotate(calls, read=read) is None
    assert asked == ['p1', 'p2']
    assert [c['acknowledged'] for c in calls] == [True, False, False, False]


def test_info_without_asterisk_says_unknown_for_pages_and_asks_once():
    asked = []

    def read(name):
        asked.append(name)
        raise paging.AckReadError('acknowledge: cannot reach Asterisk through asterisk -rx')

    calls = [{'name': 'p1', 'fields': build_spec(page(name='p1')).as_dict()},
             {'name': 'p2', 'fields': build_spec(page(name='p2')).as_dict()},
             {'name': 'plain', 'fields': {'context': 'pycall-page', 'variables': {}}}]
    problem = paging.annotate(calls, read=read)
    assert 'cannot reach Asterisk' in problem
    assert asked == ['p1']
    assert [(c['acknowledged'], c['acknowledged_at']) for c in calls] == [(None, None), (None, None), (False, None)]


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_wait_returns_once_acknowledged_while_the_call_goes_on():
    clock = Clock()
    reads = iter([None, None, 42])
    epoch, status, _record, timed_out = paging.wait_for_ack(
        lambda: ('in_progress', None, False), lambda: next(reads), 60, clock=clock, sleep=clock.sleep)
    assert (epoch, status, timed_out) == (42, 'in_progress', False) and clock.now == 1.0


def test_wait_reads_the_acknowledgement_once_more_when_the_call_ended():
    clock = Clock()
    reads = iter([None, 42])
    epoch, status, _record, timed_out = paging.wait_for_ack(
        lambda: ('completed', None, True), lambda: next(reads), 60, clock=clock, sleep=clock.sleep)
    assert (epoch, status, timed_out) == (42, 'completed', False)


def test_an_unacknowledged_call_that_ended_is_not_waited_for():
    clock = Clock()
    epoch, status, _record, timed_out = paging.wait_for_ack(
        lambda: ('completed', None, True), lambda: None, 60, clock=clock, sleep=clock.sleep)
    assert (epoch, status, timed_out, clock.now) == (None, 'completed', False, 0.0)


def test_wait_is_bounded():
    clock = Clock()
    epoch, status, _record, timed_out = paging.wait_for_ack(
        lambda: ('in_progress', None, False), lambda: None, 3, clock=clock, sleep=clock.sleep)
    assert (epoch, status, timed_out) == (None, 'in_progress', True) and clock.now == 3.0


def test_no_asterisk_command_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv('PATH', str(tmp_path))
    monkeypatch.setattr(paging.os.path, 'isfile', lambda path: False)
    with pytest.raises(paging.AckReadError) as err:
        paging.read_ack('p1', run=None)
    assert 'asterisk command was not found' in str(err.value)


def test_the_cli_is_asked_with_an_argv_and_a_bound():
    seen = []

    def run(argv):
        seen.append(argv)
        return 0, 'Value: 1798101012\n', ''

    assert paging.read_ack('page-1', run, asterisk='/usr/sbin/asterisk') == 1798101012
    assert seen[0][-3:] == ['/usr/sbin/asterisk', '-rx', 'database get pycall_ack page-1']
    if len(seen[0]) > 3:
        assert seen[0][1] == str(paging.CLI_TIMEOUT)


@pytest.mark.parametrize('answer', [(1, '', 'boom'), (0, 'Unable to connect to remote asterisk (does it exist?)', '')])
def test_an_unreachable_asterisk_is_a_clear_error(answer):
    with pytest.raises(paging.AckReadError) as err:
        paging.clear_ack('page-1', lambda argv: answer, asterisk='/usr/sbin/asterisk')
    assert 'cannot reach Asterisk' in str(err.value) and "Asterisk's user" in str(err.value)
