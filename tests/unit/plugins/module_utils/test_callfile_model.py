# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from hypothesis import given, settings, strategies as st

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import (
    CallSpec,
    build_channel,
    normalise_codecs,
    parse_callfile,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.syntax import parse_lines

APP = {'channel': 'Local/100@answer', 'application': 'Playback', 'data': 'hello-world'}


def refused(field, rule, **kwargs):
    with pytest.raises(ValidationError) as info:
        CallSpec(**kwargs)
    assert info.value.field == field, str(info.value)
    assert rule in info.value.rule, str(info.value)


def test_full_model_renders_every_key_in_order():
    spec = CallSpec('PJSIP/100', context='alerts', extension='s', priority=2, callerid='"Ops" <555>',
                    wait_time=30, retry_time=60, max_retries=2, account='ops',
                    variables={'B': '2', 'A': '1'}, codecs=['ulaw,alaw', '!g729'],
                    always_delete=True, archive=True, early_media=False)
    assert spec.render() == (
        'Channel: PJSIP/100\n'
        'Callerid: "Ops" <555>\n'
        'WaitTime: 30\n'
        'MaxRetries: 2\n'
        'RetryTime: 60\n'
        'Account: ops\n'
        'Context: alerts\n'
        'Extension: s\n'
        'Priority: 2\n'
        'Set: B=2\n'
        'Set: A=1\n'
        'Codecs: ulaw,alaw\n'
        'Codecs: !g729\n'
        'AlwaysDelete: yes\n'
        'Archive: yes\n'
        'early_media: no\n'
    )


def test_application_form():
    assert CallSpec(**APP).render() == 'Channel: Local/100@answer\nApplication: Playback\nData: hello-world\n'


def test_priority_defaults_to_one():
    assert 'Priority: 1\n' in CallSpec('Local/1@a', context='c', extension='e').render()


def test_pycall_channel_building():
    assert build_channel('Local', 'from-internal', '18002223333') == 'Local/18002223333@from-internal'
    assert build_channel('SIP', 'flowroute', '18002223333') == 'SIP/flowroute/18002223333'
    with pytest.raises(ValidationError, match='number'):
        build_channel('SIP', 'trunk', '1\nApplication: System')


@pytest.mark.parametrize('channel', ['Local', 'Local/', '/100', 'Lo cal/1', 'PJSIP/1&PJSIP/2', '1SIP/x'])
def test_channel_must_be_tech_slash_destination(channel):
    with pytest.raises(ValidationError) as info:
        CallSpec(channel, application='Echo')
    assert info.value.field == 'channel'


@pytest.mark.parametrize('field, value, rule', [
    ('priority', 0, 'from 1 to'), ('priority', 'label', 'integer'), ('priority', True, 'integer'),
    ('wait_time', 0, 'from 1 to'), ('retry_time', 0, 'from 1 to'), ('max_retries', -1, 'from 0 to'),
    ('wait_time', 1.5, 'integer'), ('retry_time', 2 ** 31, 'to 2147483647'), ('max_retries', '99999999999', 'to 2147483646'),
])
def test_numbers(field, value, rule):
    kwargs = {'channel': 'Local/1@a', 'context': 'c', 'extension': 'e'}
    kwargs[field] = value
    refused(field, rule, **kwargs)


def test_numeric_strings_are_accepted():
    spec = CallSpec('Local/1@a', application='Echo', wait_time='30', max_retries='0')
    assert spec.wait_time == 30 and spec.max_retries == 0


def test_action_rules():
    refused('application', 'either application', channel='Local/1@a')
    # Without Context Asterisk uses the channel's context: accepted, no Context line.
    assert 'Context' not in CallSpec('Local/1@a', extension='e').render()
    refused('data', 'requires application', channel='Local/1@a', context='c', extension='e', data='x')
    refused('application', 'mutually exclusive', channel='Local/1@a', application='Echo', context='c')
    refused('application', 'at most 31', channel='Local/1@a', application='A' * 32)
    refused('application', 'letters, digits', channel='Local/1@a', application='Play(back)')
    refused('context', 'at most 79', channel='Local/1@a', context='c' * 80, extension='e')
    refused('extension', 'at most 79', channel='Local/1@a', context='c', extension='e' * 80)
    CallSpec('Local/1@a', application='A' * 31)
    CallSpec('Local/1@a', context='c' * 79, extension='e' * 79)


@pytest.mark.parametrize('name, rule', [
    ('', 'non-empty'), ('A=B', "'='"), ('A B', 'blanks'), ('A\nB', 'control'),
])
def test_variable_names(name, rule):
    with pytest.raises(ValidationError) as info:
        CallSpec('Local/1@a', application='Echo', variables={name: 'v'})
    assert rule in info.value.rule
    assert info.value.field.startswith('variables')


def test_variable_values_keep_separators_and_order():
    spec = CallSpec('Local/1@a', application='Echo',
                    variables=[('Z', 'a;b=c:d'), ('CALLERID(name)', 'x y'), ('A', ''), ('N', 5), ('L', ' lead')])
    parsed = parse_callfile(spec.render())
    assert parsed.spec.variables == [('Z', 'a;b=c:d'), ('CALLERID(name)', 'x y'), ('A', ''), ('N', '5'), ('L', ' lead')]


def test_variable_value_rules():
    with pytest.raises(ValidationError, match=r'variables\[A\]: must not have leading or trailing'):
        CallSpec('Local/1@a', application='Echo', variables={'A': 'x '})
    with pytest.raises(ValidationError, match='string or a number'):
        CallSpec('Local/1@a', application='Echo', variables={'A': None})
    with pytest.raises(ValidationError, match='mapping or a list'):
        CallSpec('Local/1@a', application='Echo', variables=['A=1'])


def test_booleans_are_strict():
    refused('archive', 'boolean', channel='Local/1@a', application='Echo', archive='yes')
    refused('early_media', 'boolean', channel='Local/1@a', application='Echo', early_media=1)


def test_codecs_accumulate_and_refuse_blanks():
    spec = CallSpec('Local/1@a', application='Echo', codecs='ulaw')
    assert spec.codecs == ['ulaw']
    refused('codecs', 'blanks', channel='Local/1@a', application='Echo', codecs=['ulaw alaw'])


def test_overlong_line_is_refused_when_built():
    refused('data', 'longer than 1022', channel='Local/1@a', application='Echo', data='x' * 1100)


def test_parse_reads_asterisk_notes():
    # StartRetry carries start + RetryTime; EndRetry the real end; the final attempt has no EndRetry.
    text = CallSpec(archive=True, retry_time=60, max_retries=1, **APP).render() + (
        'StartRetry: 4242 1 (1764000060)\n'
        'EndRetry: 4242 1 (1764000030)\n'
        'StartRetry: 4242 2 (1764000150)\n'
        'Status: Expired\n')
    record = parse_callfile(text)
    assert record.spec == CallSpec(archive=True, retry_time=60, max_retries=1, **APP)
    assert [(a.pid, a.number, a.started, a.ended, a.outcome) for a in record.attempts] == [
        (4242, 1, 1764000000, 1764000030, 'failed'),
        (4242, 2, 1764000090, None, 'running'),
    ]
    assert record.in_flight and record.attempts_made == 2 and record.retries_counted == 1
    assert record.status == 'Expired'
    assert record.errors == [] and record.unknown == []


def test_parse_is_lenient_like_asterisk():
    record = parse_callfile('channel: Local/1@a\nApplication: Echo\nContext: ignored\nEarlyMedia: yes\n'
                            'Archive: on\nSetvar: A=1\nAlwaysDelete: nope\n')
    assert record.spec.application == 'Echo' and record.spec.context is None
    assert record.spec.archive is True and record.spec.always_delete is False
    assert record.spec.variables == [('A', '1')]
    assert record.unknown == [('earlymedia', 'yes')]
    assert not record.in_flight


def test_parse_reports_files_that_are_not_calls():
    assert parse_callfile('Application: Echo\n').spec is None
    assert 'no Channel line' in parse_callfile('Application: Echo\n').errors
    assert parse_callfile('Channel: Local/1@a\nContext: c\nPriority: 2\n').spec is None
    # Asterisk replaces a priority label by 1.
    assert parse_callfile('Channel: Local/1@a\nContext: c\nExtension: e\nPriority: label\n').spec.priority == 1


def test_parse_then_render_gives_the_same_directives():
    spec = CallSpec('PJSIP/100', context='alerts', extension='s', callerid='"A;B" <1>', variables={'X': '#;='},
                    codecs=['all'], archive=False, max_retries=0)
    assert parse_callfile(spec.render()).spec.render() == spec.render()


safe_name = st.text(st.characters(blacklist_categories=('Cs',)), min_size=1, max_size=20)


@settings(max_examples=300, deadline=None)
@given(channel_dest=st.text(max_size=30), callerid=st.text(max_size=30), data=st.text(max_size=40),
       account=st.text(max_size=20), var_name=safe_name, var_value=st.text(max_size=40),
       codec=st.text(max_size=10))
def test_arbitrary_fields_are_refused_or_read_back_exactly(channel_dest, callerid, data, account,
                                                           var_name, var_value, codec):
    fields = dict(channel='PJSIP/' + channel_dest, callerid=callerid, data=data, account=account,
                  variables={var_name: var_value}, codecs=[codec])
    try:
        spec = CallSpec(application='Echo', **fields)
    except ValidationError:
        return
    text = spec.render()
    # No extra directive, ever: as many lines parse as fields were written.
    assert len(parse_lines(text)) == len(spec.directives()) == 7
    back = parse_callfile(text)
    assert back.errors == [] and back.unknown == []
    assert back.spec.channel == fields['channel']
    assert back.spec.callerid == callerid
    assert back.spec.data == data
    assert back.spec.account == account
    assert back.spec.variables == [(var_name, var_value)]
    # Blanks around ',' and '|' mean nothing to Asterisk: the writer drops them, the rest is exact.
    assert spec.codecs == [normalise_codecs(codec)]
    assert back.spec.codecs == spec.codecs
