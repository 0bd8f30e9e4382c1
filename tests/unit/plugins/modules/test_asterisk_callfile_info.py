# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module's entry point: its argument spec as Ansible applies it."""

import os

import pytest

from ansible_collections.pycall.asterisk.plugins.modules import asterisk_callfile_info
from ansible_collections.pycall.asterisk.tests.unit.plugins.modules.module_runner import run_main


@pytest.fixture
def outgoing(tmp_path):
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        os.mkdir(str(tmp_path / name))
    return str(tmp_path / 'outgoing')


def test_unknown_status_is_refused_naming_the_choices(capsys, outgoing):
    _out, result = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing, status=['ringing']))
    assert result['failed'] is True
    assert 'status' in result['msg'] and 'completed' in result['msg']


def test_empty_spool_lists_nothing_and_says_where_it_looked(capsys, outgoing):
    _out, result = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing))
    assert result.get('failed') is not True and result['changed'] is False
    assert result['calls'] == []
    assert result['spool']['outgoing'] == outgoing and result['spool']['source'] == 'spool_dir'


def _archive(outgoing, name, status):
    path = os.path.join(os.path.dirname(outgoing), 'outgoing_done', '%s.0123456789abcdef.call' % name)
    with open(path, 'w') as handle:
        handle.write('Channel: Local/1@answer\nApplication: Echo\nArchive: yes\nStatus: %s\n' % status)
    os.utime(path, (1790000000, 1790000000))


def test_compact_by_default_full_on_request_with_a_summary(capsys, outgoing):
    _archive(outgoing, 'page-1-a', 'Completed')
    _archive(outgoing, 'page-1-b', 'Expired')
    _archive(outgoing, 'other', 'Failed')
    _out, result = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing, name=['page-1-*']))
    assert sorted(c['name'] for c in result['calls']) == ['page-1-a', 'page-1-b']
    assert 'fields' not in result['calls'][0] and 'attempt_log' not in result['calls'][0]
    assert (result['summary']['total'], result['summary']['completed'], result['summary']['expired']) == (2, 1, 1)
    _out, result = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing, name=['other'], detail='full'))
    assert result['calls'][0]['fields']['channel'] == 'Local/1@answer' and result['summary']['failed'] == 1


def test_since_filters_and_a_bad_since_names_the_parameter(capsys, outgoing):
    _archive(outgoing, 'old', 'Completed')
    _out, result = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing, since='-1h'))
    assert result['calls'] == [] and result['summary']['total'] == 0
    _out, result = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing, since='1789999999'))
    assert [c['name'] for c in result['calls']] == ['old']
    _out, result = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing, since='+1h'))
    assert result['failed'] is True and result['msg'].startswith('since')


def test_list_calls_false_reads_no_call_and_reports_the_spool(capsys, outgoing, tmp_path):
    with open(os.path.join(outgoing, 'queued.call'), 'w') as handle:
        handle.write('Channel: Local/s@test\nApplication: Echo\n')
    conf = tmp_path / 'asterisk.conf'
    conf.write_text('[options]\nrunuser = root\n')
    _out, listed = run_main(capsys, asterisk_callfile_info.main, dict(spool_dir=outgoing, asterisk_conf=str(conf)))
    assert [call['name'] for call in listed['calls']] == ['queued']
    _out, result = run_main(capsys, asterisk_callfile_info.main,
                            dict(spool_dir=outgoing, asterisk_conf=str(conf), list_calls=False))
    assert result.get('failed') is not True and result['calls'] == [] and result['summary']['total'] == 0
    spool = result['spool']
    assert spool['root'] == str(tmp_path) and spool['asterisk_conf'] == str(conf)
    assert spool['done'] == os.path.join(str(tmp_path), 'outgoing_done')
    assert set(spool['user']) == {'name', 'uid', 'source'} and set(spool['group']) == {'name', 'gid', 'source'}
    assert isinstance(spool['root_writable_by_others'], list)
    assert isinstance(spool['asterisk_conf_writable_by_others'], list)
