# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module's entry point: its argument spec as Ansible applies it, then its JSON result."""

import os

import pytest

from ansible_collections.pycall.asterisk.plugins.modules import asterisk_callfile
from ansible_collections.pycall.asterisk.tests.unit.plugins.modules.module_runner import run_main

SECRET = 'pin;4711\\x'


def run_module(capsys, args):
    return run_main(capsys, asterisk_callfile.main, args)


@pytest.fixture
def outgoing(tmp_path):
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        os.mkdir(str(tmp_path / name))
    return str(tmp_path / 'outgoing')


def queued(outgoing):
    texts = []
    for name in sorted(os.listdir(outgoing)):
        if name.endswith('.call'):
            with open(os.path.join(outgoing, name)) as handle:
                texts.append(handle.read())
    return texts


def batch(outgoing, *entries, **task):
    args = dict(name='roster', application='Playback', data='hello-world', spool_dir=outgoing,
                calls=list(entries))
    args.update(task)
    return args


def test_entries_convert_types_like_task_level_options(capsys, outgoing):
    _out, result = run_module(capsys, batch(outgoing, {'channel': 'Local/201@lab', 'archive': 'no'},
                                            {'channel': 'Local/202@lab', 'priority': '3', 'context': 'x',
                                             'extension': 's'}))
    assert result['changed'] is True and len(result['calls']) == 2
    first, second = queued(outgoing)
    assert 'Archive: no' in first
    assert 'Priority: 3' in second and 'Application' not in second


def test_unknown_entry_option_is_refused_by_name(capsys, outgoing):
    _out, result = run_module(capsys, batch(outgoing, {'channel': 'Local/201@lab', 'numbr': '1'}))
    assert result['failed'] is True
    assert 'numbr' in result['msg'] and 'calls' in result['msg']
    assert queued(outgoing) == []


def test_entry_cannot_name_two_channels(capsys, outgoing):
    _out, result = run_module(capsys, batch(outgoing, {'channel': 'Local/201@lab', 'number': '5'}))
    assert result['failed'] is True
    assert 'mutually exclusive' in result['msg'] and 'channel' in result['msg']
    assert queued(outgoing) == []


def test_secret_variables_of_an_entry_are_written_and_masked(capsys, outgoing):
    out, result = run_module(capsys, batch(outgoing, {'channel': 'Local/201@lab',
                                                      'secret_variables': {'PIN': SECRET}}))
    assert result['changed'] is True
    (text,) = queued(outgoing)
    assert 'Set: PIN=' in text
    assert SECRET not in out


def test_batch_echoes_each_entry_as_given_and_masks_secrets(capsys, outgoing):
    out, result = run_module(capsys, batch(outgoing, {'channel': 'Local/201@lab'},
                                           {'channel': 'Local/202@lab', 'secret_variables': {'PIN': SECRET}}))
    assert SECRET not in out
    if 'invocation' not in result:
        # ansible-core 2.21 and newer print no echo of the arguments at all.
        assert 'module_args' not in out
        return
    echoed = result['invocation']['module_args']
    assert echoed['calls'][0] == {'channel': 'Local/201@lab'}
    assert set(echoed['calls'][1]) == {'channel', 'secret_variables'}
    # Task-level options keep Ansible's full echo, defaults included.
    assert echoed['detail'] == 'compact' and echoed['spacing'] == 0
    assert SECRET not in out


def test_single_call_keeps_ansibles_own_echo(capsys, outgoing):
    _out, result = run_module(capsys, dict(channel='Local/201@lab', application='Echo', spool_dir=outgoing))
    assert 'content' in result
    if 'invocation' in result:  # ansible-core before 2.21
        assert result['invocation']['module_args']['calls'] is None


def test_trunk_parts_are_required_together_at_task_level(capsys, outgoing):
    _out, result = run_module(capsys, dict(trunk_type='Local', number='5', application='Echo', spool_dir=outgoing))
    assert result['failed'] is True and 'trunk_name' in result['msg']
    assert queued(outgoing) == []


def test_absent_needs_a_name(capsys, outgoing):
    _out, result = run_module(capsys, dict(state='absent', spool_dir=outgoing))
    assert result['failed'] is True and 'name' in result['msg']
