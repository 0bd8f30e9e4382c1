# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module's entry point: its argument spec as Ansible applies it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
