# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""asterisk.conf read as Asterisk's config.c reads it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils import callfile_asterisk_conf as conf_mod
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_asterisk_conf import (
    read_directories,
    running_asterisk,
    spool_root_info,
)
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_errors import SpoolError
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_spool import spool_root


def write(tmp_path, text, name='asterisk.conf'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_template_section_is_ignored(tmp_path):
    path = write(tmp_path, '[directories](!)\nastspooldir => /elsewhere\n')
    root, where = spool_root_info(path)
    assert root == '/var/spool/asterisk' and 'template' in where
    assert spool_root(path) == '/var/spool/asterisk'


def test_section_inheriting_from_a_template_gets_its_values(tmp_path):
    path = write(tmp_path, '[base](!)\nastspooldir => /from/template\n[directories](base)\nastrundir = /run/x\n')
    dirs = read_directories(path)
    assert dirs['astspooldir'][0] == '/from/template' and dirs['astrundir'][0] == '/run/x'


def test_last_value_wins_and_arrow_equals_equal(tmp_path):
    path = write(tmp_path, '[directories]\nastspooldir => /one\nastspooldir = /two ; no\nASTSPOOLDIR=/three\n')
    root, where = spool_root_info(path)
    assert root == '/three' and where.endswith(':4')


def test_only_the_first_real_section_counts_unless_appended(tmp_path):
    path = write(tmp_path, '[directories]\nastspooldir => /one\n[directories]\nastspooldir => /two\n')
    assert spool_root(path) == '/one'
    path = write(tmp_path, '[directories]\nastspooldir => /one\n[directories](+)\nastspooldir => /two\n')
    assert spool_root(path) == '/two'


def test_block_comments_and_escaped_semicolons(tmp_path):
    path = write(tmp_path, '[directories]\nastspooldir => /real\n;-- astspooldir => /commented\n'
                           'astspooldir => /still-commented --;\nastrundir => /a\\;b\n')
    dirs = read_directories(path)
    assert dirs['astspooldir'][0] == '/real' and dirs['astrundir'][0] == '/a;b'
    path = write(tmp_path, '[directories]\nastspooldir => /one ;-- inline --; \nastspooldir => /two\n')
    assert spool_root(path) == '/two'


def test_includes_are_followed(tmp_path, monkeypatch):
    monkeypatch.setattr(conf_mod, 'CONFIG_DIR', str(tmp_path))
    write(tmp_path, 'astspooldir => /included\n', 'dirs.conf')
    path = write(tmp_path, '[directories]\n#include "dirs.conf"\n#tryinclude missing.conf\n')
    root, where = spool_root_info(path)
    assert root == '/included' and where.endswith('dirs.conf:1')
    write(tmp_path, '[directories]\nastspooldir => /globbed\n', 'd-1.conf')
    assert spool_root(write(tmp_path, '#include d-*.conf\n')) == '/globbed'


def test_what_cannot_be_followed_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(conf_mod, 'CONFIG_DIR', str(tmp_path))
    with pytest.raises(SpoolError, match='no such file'):
        spool_root(write(tmp_path, '[directories]\n#include missing.conf\n'))
    with pytest.raises(SpoolError, match='not followed'):
        spool_root(write(tmp_path, '#exec /bin/echo\n'))
    with pytest.raises(SpoolError, match='deeper than'):
        spool_root(write(tmp_path, '#include loop.conf\n', 'loop.conf'))


def test_file_is_read_safely(tmp_path):
    target = write(tmp_path, '[directories]\nastspooldir => /x\n', 'real.conf')
    link = str(tmp_path / 'link.conf')
    os.symlink(target, link)
    with pytest.raises(SpoolError, match='symlink'):
        spool_root(link)
    fifo = str(tmp_path / 'fifo.conf')
    os.mkfifo(fifo)
    with pytest.raises(SpoolError, match='not a regular file'):
        spool_root(fifo)
    big = write(tmp_path, ';' * (conf_mod.MAX_CONF_BYTES + 1), 'big.conf')
    with pytest.raises(SpoolError, match='larger than'):
        spool_root(big)
    assert spool_root(str(tmp_path / 'missing.conf')) == '/var/spool/asterisk'


def test_running_asterisk_from_pid_file(tmp_path):
    run = tmp_path / 'run'
    run.mkdir()
    proc = tmp_path / 'proc'
    (proc / '4242').mkdir(parents=True)
    (proc / '4242' / 'comm').write_text('asterisk\n')
    path = write(tmp_path, '[directories]\nastrundir => %s\n' % run)
    assert running_asterisk(path, proc=str(proc)) is None
    (run / 'asterisk.pid').write_text('4242\n')
    os.utime(str(run / 'asterisk.pid'), (1790000000, 1790000000))
    assert running_asterisk(path, proc=str(proc)) == (4242, 1790000000)
    (run / 'asterisk.pid').write_text('4343\n')
    assert running_asterisk(path, proc=str(proc)) == (None, None)


def _denied_for(paths):
    real_open = os.open

    def fake_open(path, *args, **kwargs):
        if path in paths:
            raise OSError(13, 'Permission denied', path)
        return real_open(path, *args, **kwargs)
    return fake_open


def test_unreadable_asterisk_conf_falls_back_to_the_default_and_says_so(tmp_path, monkeypatch):
    # Root reads any mode, so the refusal an unprivileged account gets is simulated.
    path = write(tmp_path, '[directories]\nastspooldir => /elsewhere\n')
    monkeypatch.setattr(conf_mod.os, 'open', _denied_for({path}))
    root, where = spool_root_info(path)
    assert root == '/var/spool/asterisk'
    assert 'not readable by this account' in where and 'spool_dir' in where


def test_unreadable_include_is_still_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(conf_mod, 'CONFIG_DIR', str(tmp_path))
    included = write(tmp_path, 'astspooldir => /included\n', 'dirs.conf')
    path = write(tmp_path, '[directories]\n#include "dirs.conf"\n')
    monkeypatch.setattr(conf_mod.os, 'open', _denied_for({included}))
    with pytest.raises(SpoolError, match='cannot read'):
        spool_root(path)
