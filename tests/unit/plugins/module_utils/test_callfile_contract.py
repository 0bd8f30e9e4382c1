# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How Asterisk 22 really treats retries, modes, far dates, caller ids and lenient forms."""

import os

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import (
    CallSpec,
    check_callerid,
    check_callerid_parts,
    check_mode,
    parse_callfile,
    scan_int,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.schedule import resolve_schedule

BODY = 'Channel: Local/1@busy\nApplication: Echo\nRetryTime: 10\nMaxRetries: 3\n'


def refused(field, rule, func, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    assert info.value.field == field
    assert rule in info.value.rule
    return info.value


def test_start_retry_time_is_start_plus_retry_time():
    record = parse_callfile(BODY + 'StartRetry: 9 1 (1000010)\n')
    assert record.attempts[0].started == 1000000 and record.attempts[0].noted == 1000010
    assert record.dialing and record.phase('outgoing') == 'dialing'


def test_default_retry_time_is_300_for_start():
    record = parse_callfile('Channel: Local/1@busy\nApplication: Echo\nStartRetry: 9 1 (1000300)\n')
    assert record.attempts[0].started == 1000000


def test_between_attempts_is_waiting_and_counted():
    record = parse_callfile(BODY + 'StartRetry: 9 1 (1000010)\nEndRetry: 9 1 (1000004)\n')
    assert record.phase('outgoing') == 'waiting' and not record.dialing
    assert record.attempts[0].ended == 1000004 and record.attempts[0].outcome == 'failed'
    assert record.attempts_made == 1 and record.retries_counted == 1


def test_abort_retry_after_a_restart():
    record = parse_callfile(BODY + 'StartRetry: 9 1 (1000010)\nAbortRetry: 12 1 (1000100)\n'
                                   'StartRetry: 12 1 (1000110)\n')
    first, second = record.attempts
    assert first.outcome == 'aborted' and first.aborted_at == 1000100 and first.ended is None
    assert second.started == 1000100 and second.outcome == 'running'
    # AbortRetry counts against MaxRetries; the running attempt is the second.
    assert record.retries_counted == 1 and record.attempts_made == 2


def test_delayed_retry_does_not_end_an_attempt():
    record = parse_callfile(BODY + 'StartRetry: 9 1 (1000010)\nDelayedRetry: 9 1 (1000020)\n'
                                   'DelayedRetry: 9 1 (1000030)\n')
    assert record.dialing and record.attempts[0].delayed == 2


def test_stuck_when_the_same_pid_restarted_after_the_start():
    record = parse_callfile(BODY + 'StartRetry: 9 1 (1000010)\nDelayedRetry: 9 1 (1000020)\n')
    assert record.phase('outgoing', asterisk=(9, 1000000)) == 'dialing'
    assert record.phase('outgoing', asterisk=(9, 1000050)) == 'stuck'
    assert 'DelayedRetry forever' in record.stuck_reason((9, 1000050))
    assert record.phase('outgoing', asterisk=(10, 999000)) == 'stuck'
    assert 'not running' in record.stuck_reason((None, None))
    # Unknown Asterisk: no claim.
    assert record.phase('outgoing', asterisk=None) == 'dialing'


def test_archived_and_queued_phases():
    assert parse_callfile(BODY).phase('outgoing') == 'queued'
    assert parse_callfile(BODY + 'StartRetry: 9 1 (1000010)\nStatus: Completed\n').phase('done') == 'finished'


@pytest.mark.parametrize('value, expected', [('30', 30), ('+2', 2), ('30s', 30), ('  7', 7), ('-1', -1),
                                             ('x', None), ('', None)])
def test_numbers_read_like_sscanf(value, expected):
    assert scan_int(value) == expected


def test_parser_reads_what_asterisk_accepts():
    record = parse_callfile('Channel: Local/1@a\nExtension: 100\nMaxRetries: +2\nWaitTime: 30s\n'
                            'RetryTime: nonsense\nCodecs: ulaw, alaw\nData:#123\n')
    spec = record.spec
    assert spec.context is None and spec.extension == '100' and spec.priority == 1
    assert (spec.max_retries, spec.wait_time, spec.retry_time) == (2, 30, 300)
    assert spec.codecs == ['ulaw,alaw']
    app = parse_callfile('Channel: Local/1@a\nApplication: Verbose\nData:#123\n').spec
    assert app.data == '#123'
    assert parse_callfile('Channel: Local/1@a\nApplication: Verbose\nData: #123\n').spec.data == ''


def test_parser_keeps_forms_the_writer_refuses():
    spec = parse_callfile('Channel: Local/1@a\nApplication: Echo\nearly_media: yes\nAlwaysDelete: no\n'
                          'Callerid: "A\\\\B" <1 2>\nRetryTime: 2147483000\n').spec
    assert spec.early_media and spec.always_delete is False and spec.callerid == '"A\\\\B" <1 2>'


def test_writer_accepts_harmless_forms():
    spec = CallSpec('Local/1@a', application='Verbose', data='#123', codecs=['ulaw, alaw | gsm'])
    assert 'Data:#123\n' in spec.render() and 'Codecs: ulaw,alaw|gsm\n' in spec.render()
    assert parse_callfile(spec.render()).spec == spec
    assert CallSpec('Local/1@a', extension='s').render() == 'Channel: Local/1@a\nExtension: s\nPriority: 1\n'
    named = CallSpec('Local/1@a', application='Echo', variables={'#X': '1'})
    assert parse_callfile(named.render()).spec.variables == [('#X', '1')]


@pytest.mark.parametrize('mode, ok', [(0o600, True), (0o640, True), (0o660, True), (0o400, False),
                                      (0o200, False), (0o040, False), (0o444, False)])
def test_mode_needs_owner_read_and_write(mode, ok):
    if ok:
        assert check_mode(mode) == mode
    else:
        err = refused('mode', 'owner read and write', check_mode, mode)
        assert 'deletes the call unread' in err.rule and 'redialled forever' in err.rule


def test_early_media_with_application_is_refused():
    refused('early_media', 'ignores it for application calls', CallSpec, 'Local/1@a', application='Echo',
            early_media=True)
    assert CallSpec('Local/1@a', context='c', extension='s', early_media=True).early_media


def test_always_delete_false_is_refused():
    err = refused('always_delete', 'false is refused', CallSpec, 'Local/1@a', application='Echo', always_delete=False)
    assert 'dials it again after every restart' in err.rule
    assert CallSpec('Local/1@a', application='Echo', always_delete=True).always_delete


def test_far_dates_and_int_limits():
    refused('schedule', '2038-01-19T03:14:07Z', resolve_schedule, '2038-01-19T03:14:08Z')
    assert resolve_schedule('2038-01-19T03:14:07Z')[0] == 2 ** 31 - 1
    refused('retry_time', 'below 2^31', CallSpec, 'Local/1@a', application='Echo', retry_time=2 ** 31 - 100,
            now=1000)
    assert CallSpec('Local/1@a', application='Echo', retry_time=100, now=2 ** 31 - 101).retry_time == 100
    refused('max_retries', 'to 2147483646', CallSpec, 'Local/1@a', application='Echo', max_retries=2 ** 31 - 1)


@pytest.mark.parametrize('value, rule', [
    ('"A\\\\B" <1>', 'backslash'),
    ('"Ops" <555 1234>', 'blanks'),
    ('"Ops" <(555)1234>', "'('"),
    ('"Ops" <555-1234>', "'-'"),
    ('"Ops" <555.1234>', "'.'"),
    ('"A"B" <1>', 'double quote'),
    ('" Ops" <1>', 'leading or trailing blanks'),
    ('555-1234', 'reads this bare value as the number 5551234'),
    ('(555) 1234', 'as the number 5551234'),
    ('A\\\\B', 'backslash'),
    ('"Ops" <1> x', "end with the '>'"),
])
def test_callerid_that_asterisk_would_change_is_refused(value, rule):
    refused('callerid', rule, check_callerid, value)


@pytest.mark.parametrize('value', ['"Ops" <5551234>', '<+4930123>', '"Ops"', '5551234', 'Ops Team', '"12345"',
                                   '"Ops" <555.>', '*99#', '"Ünïcødé;=" <1>', '"" <1>'])
def test_callerid_asterisk_keeps_is_accepted(value):
    assert check_callerid(value) == value


def test_pycall_callerid_parts_are_exact_or_refused():
    assert check_callerid_parts('Ops', '5551234') == '"Ops" <5551234>'
    assert check_callerid_parts(None, '1') == '"" <1>'
    assert check_callerid_parts('12345', None) == '"12345" <>'
    refused('callerid_name', 'backslash', check_callerid_parts, 'A\\B', '1')
    refused('callerid_num', 'blanks', check_callerid_parts, 'A', '1 2')


# --- cancel and reschedule between attempts ------------------------------------------------

def _spool_with(spool, notes, name='page', data='hello-world'):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_call
    spec = CallSpec('Local/1@busy', application='Playback', data=data, retry_time=3, max_retries=3, archive=True)
    first = ensure_call(spool, CallRequest(spec, name=name))
    with open(first['call_file'], 'a') as handle:
        handle.write(notes)
    return first['call_file'], spec


def _ensure(spool, name, state='present', data='hello-world', **kwargs):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_call
    spec = CallSpec('Local/1@busy', application='Playback', data=data, retry_time=3, max_retries=3, archive=True)
    return ensure_call(spool, CallRequest(spec, name=name), state=state, **kwargs)


WAITING = 'StartRetry: 7 1 (1790000003)\nEndRetry: 7 1 (1790000001)\n'
DIALING = WAITING + 'StartRetry: 7 2 (1790000007)\n'
ABORTED = 'StartRetry: 7 1 (1790000003)\nAbortRetry: 8 1 (1790000009)\n'


def test_absent_cancels_a_call_between_attempts(spool):
    path, _spec = _spool_with(spool, WAITING)
    result = _ensure(spool, 'page', state='absent')
    assert result['changed'] and result['cancelled'] == [path] and result['cancelled_waiting'] == [path]
    assert result['status'] == 'absent' and result['in_flight'] == []
    assert 'between attempts' in result['msg']
    assert not os.path.exists(path)


def test_absent_cancels_after_abort_retry(spool):
    path, _spec = _spool_with(spool, ABORTED)
    assert _ensure(spool, 'page', state='absent')['cancelled_waiting'] == [path]
    assert not os.path.exists(path)


def test_absent_never_touches_a_dialling_call(spool):
    path, _spec = _spool_with(spool, DIALING)
    result = _ensure(spool, 'page', state='absent')
    assert not result['changed'] and result['cancelled'] == [] and result['in_flight'] == [path]
    assert result['status'] == 'in_progress' and result['phase'] == 'dialing'
    assert os.path.exists(path)
    # force does not make a live attempt fair game either
    assert _ensure(spool, 'page', state='absent', force=True)['cancelled'] == []
    assert os.path.exists(path)


def test_delayed_retry_after_start_is_still_dialling(spool):
    path, _spec = _spool_with(spool, DIALING + 'DelayedRetry: 7 2 (1790000010)\n')
    assert _ensure(spool, 'page', state='absent')['in_flight'] == [path]


def test_stuck_call_is_reported_and_removed_only_with_force(spool):
    path, _spec = _spool_with(spool, DIALING + 'DelayedRetry: 7 2 (1790000010)\n')
    stuck = _ensure(spool, 'page', state='absent', asterisk=(7, 1790000100))
    assert stuck['stuck'] == [path] and stuck['phase'] == 'stuck' and 'force' in stuck['msg']
    assert os.path.exists(path)
    gone = _ensure(spool, 'page', state='absent', force=True, asterisk=(7, 1790000100))
    assert gone['cancelled'] == [path] and gone['status'] == 'absent'
    assert not os.path.exists(path)


def test_same_call_between_attempts_is_left_to_retry(spool):
    path, _spec = _spool_with(spool, WAITING)
    result = _ensure(spool, 'page')
    assert not result['changed'] and result['call_file'] == path
    assert result['status'] == 'in_progress' and result['phase'] == 'waiting'


def test_reschedule_replaces_a_call_between_attempts(spool):
    path, _spec = _spool_with(spool, WAITING)
    result = _ensure(spool, 'page', data='goodbye')
    assert result['changed'] and result['cancelled'] == [path] and result['cancelled_waiting'] == [path]
    assert result['status'] == 'pending' and not os.path.exists(path) and os.path.exists(result['call_file'])


def test_reschedule_leaves_a_dialling_call_alone(spool):
    path, _spec = _spool_with(spool, DIALING)
    result = _ensure(spool, 'page', data='goodbye')
    assert not result['changed'] and result['in_flight'] == [path] and os.path.exists(path)
    assert os.listdir(spool.outgoing) == [os.path.basename(path)]


# --- the parser agrees with the writer on everything the writer accepts -------------------

from hypothesis import event, given, settings  # noqa: E402 pylint: disable=wrong-import-position
from hypothesis import strategies as st  # noqa: E402 pylint: disable=wrong-import-position

# Mostly characters with a meaning to Asterisk's parser, so that many calls are accepted and
# the ones that are exercise comments, escapes, separators and quotes.
_text = st.one_of(st.text(st.sampled_from('ab1;#:=",|()<>\\.*+-\u00fc'), min_size=1, max_size=12),
                  st.text(st.characters(blacklist_categories=('Cs',)), max_size=12))
_maybe_int = st.one_of(st.none(), st.integers(min_value=-2, max_value=2 ** 31 + 1),
                       st.from_regex(r'\A[0-9]{1,6}\Z'))
_codec = st.lists(st.sampled_from(['ulaw', 'alaw', 'gsm', '!all', 'all']), min_size=1, max_size=3).flatmap(
    lambda names: st.sampled_from([',', ', ', ' , ', '|', ' | ']).map(lambda sep: sep.join(names)))


@settings(max_examples=600, deadline=None)
@given(action=st.sampled_from(['application', 'extension', 'context']), name=_text, data=st.one_of(st.none(), _text),
       context=st.one_of(st.none(), _text), callerid=st.one_of(st.none(), _text, _text.map(lambda t: '"%s" <1>' % t),
                                                               _text.map(lambda t: '"Ops" <%s>' % t)),
       wait_time=_maybe_int, retry_time=_maybe_int, max_retries=_maybe_int, priority=_maybe_int,
       account=st.one_of(st.none(), _text), variables=st.dictionaries(_text, _text, max_size=2),
       codecs=st.lists(st.one_of(_codec, _text), max_size=2),
       flags=st.tuples(*[st.sampled_from([None, True, False])] * 3))
def test_parser_reads_back_every_accepted_call(action, name, data, context, callerid, wait_time, retry_time,
                                               max_retries, priority, account, variables, codecs, flags):
    kwargs = dict(callerid=callerid, wait_time=wait_time, retry_time=retry_time, max_retries=max_retries,
                  account=account, variables=variables, codecs=codecs, always_delete=flags[0], archive=flags[1],
                  early_media=flags[2])
    if action == 'application':
        kwargs.update(application='Verbose', data=data)
    else:
        kwargs.update(extension=name or 's', priority=priority,
                      context=context if action == 'context' else None)
    try:
        spec = CallSpec('Local/1@a', **kwargs)
    except ValidationError as exc:
        event('refused: %s' % exc.field.split('[')[0])
        return
    event('accepted')
    record = parse_callfile(spec.render())
    assert record.errors == [] and record.unknown == []
    assert record.spec == spec
    assert record.spec.as_dict() == spec.as_dict()
    # Asterisk's effective numbers are the ones written (or its defaults).
    assert record.retry_time == (spec.retry_time or 300)
    assert record.wait_time == (spec.wait_time or 45)
    assert record.max_retries == (spec.max_retries or 0)
