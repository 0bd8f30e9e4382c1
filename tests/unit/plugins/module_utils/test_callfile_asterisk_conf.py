# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""asterisk.conf read as Asterisk's config.c reads it."""

import errno
import os

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import asterisk_conf as conf_mod
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.asterisk_conf import (
    asterisk_account,
    read_directories,
    running_asterisk,
    spool_root_info,
    writable_by_others,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import SpoolError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import spool_root


class FakeProc:
    """A /proc tree in tmp_path: PID/exe and PID/root symlinks, cmdline, status, comm.

    The test account stands in for root (trusted_uid): files it owns are
    "root-owned", a binary made with trusted=False is owned by "someone else".
    """

    def __init__(self, tmp_path):
        self.base = tmp_path / 'host'
        self.proc = tmp_path / 'proc'
        self.proc.mkdir()
        self.base.mkdir()
        self.where = {'proc': str(self.proc), 'root': str(self.base), 'trusted_uid': os.getuid()}

    def path(self, relative):
        return str(self.base / relative)

    def binary(self, relative, mode=0o755, dir_mode=0o755, trusted=True):
        path = self.base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(str(path.parent), dir_mode)
        path.write_bytes(b'ELF')
        os.chmod(str(path), mode)
        if not trusted:
            # another account's file: chown when the tests run as root, else
            # world-writable, which makes it just as much not root's alone
            if os.getuid() == 0:
                os.chown(str(path.parent), 1000, 1000)
                os.chown(str(path), 1000, 1000)
            else:
                os.chmod(str(path), mode | 0o002)
        return str(path)

    def process(self, pid, exe, uid=101, gid=101, args=(), comm=None, root=None):
        folder = self.proc / str(pid)
        folder.mkdir()
        os.symlink(exe, str(folder / 'exe'))
        if root:
            os.makedirs(root, exist_ok=True)
        os.symlink(root or str(self.base), str(folder / 'root'))
        argv = [os.path.basename(exe)] + list(args)
        (folder / 'cmdline').write_bytes(b'\0'.join(a.encode() for a in argv) + b'\0')
        (folder / 'status').write_text('Name:\tasterisk\nUid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n'
                                       % ((uid,) * 4 + (gid,) * 4))
        (folder / 'comm').write_text((comm or os.path.basename(exe)) + '\n')


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
    fake = FakeProc(tmp_path)
    fake.process(4242, fake.binary('usr/sbin/asterisk'))
    run = tmp_path / 'run'
    run.mkdir()
    path = write(tmp_path, '[directories]\nastrundir => %s\n' % run)
    assert running_asterisk(path, **fake.where) is None
    (run / 'asterisk.pid').write_text('4242\n')
    os.utime(str(run / 'asterisk.pid'), (1790000000, 1790000000))
    assert running_asterisk(path, **fake.where) == (4242, 1790000000)
    (run / 'asterisk.pid').write_text('4343\n')
    assert running_asterisk(path, **fake.where) == (None, None)


def test_running_asterisk_is_not_a_pid_file_pointing_at_a_fake(tmp_path):
    fake = FakeProc(tmp_path)
    fake.process(4242, fake.binary('home/labuser/asterisk', trusted=False), comm='asterisk')
    run = tmp_path / 'run'
    run.mkdir()
    (run / 'asterisk.pid').write_text('4242\n')
    path = write(tmp_path, '[directories]\nastrundir => %s\n' % run)
    assert running_asterisk(path, **fake.where) == (None, None)


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


def test_account_from_the_running_daemon_beats_runuser(tmp_path):
    fake = FakeProc(tmp_path)
    fake.process(812, fake.binary('usr/sbin/asterisk'), uid=0, gid=0)
    path = write(tmp_path, '[options]\nrunuser = nobody\n')
    account = asterisk_account(path, **fake.where)
    assert account['user'] == {'name': 'root', 'uid': 0, 'source': 'running daemon %s (pid 812)' % fake.path('usr/sbin/asterisk')}
    assert account['group']['gid'] == 0 and account['daemons'][0]['pid'] == 812


def test_account_from_runuser_and_rungroup_then_the_default(tmp_path):
    fake = FakeProc(tmp_path)
    path = write(tmp_path, '[options](!)\nrunuser = daemon\n[options]\nrunuser = root\nrungroup = nogroup\n')
    account = asterisk_account(path, **fake.where)
    assert account['user']['name'] == 'root' and account['user']['uid'] == 0
    assert account['user']['source'] == 'runuser at %s:4' % path
    assert account['group']['name'] == 'nogroup' and account['group']['source'] == 'rungroup at %s:5' % path
    path = write(tmp_path, '[options]\nrunuser = root\n', 'only-user.conf')
    group = asterisk_account(path, **fake.where)['group']
    assert group['gid'] == 0 and group['source'].startswith('primary group of root')
    account = asterisk_account(str(tmp_path / 'missing.conf'), **fake.where)
    assert account['user']['name'] == 'asterisk' and account['user']['source'].startswith('default')


def test_fake_asterisk_processes_do_not_count(tmp_path):
    fake = FakeProc(tmp_path)
    # a copy of sleep named asterisk in an account's own directory
    fake.process(100, fake.binary('home/labuser/asterisk', trusted=False), uid=1000, gid=1000)
    # root-owned, but group-writable
    fake.process(101, fake.binary('opt/a/asterisk', mode=0o775), uid=1000, gid=1000)
    # a root-owned binary linked into a directory the account may write
    fake.process(102, fake.binary('tmp/asterisk', dir_mode=0o1777), uid=1000, gid=1000)
    # a real binary, but named otherwise (a renamed copy running under the name asterisk)
    fake.process(103, fake.binary('usr/bin/sleep'), uid=1000, gid=1000, comm='asterisk')
    # the real binary as a remote console, and in another root (a container)
    real = fake.binary('usr/sbin/asterisk')
    fake.process(104, real, uid=1000, gid=1000, args=('-rx', 'core show version'))
    fake.process(105, real, uid=1000, gid=1000, root=str(tmp_path / 'elsewhere'))
    fake.process(107, real, uid=101, gid=101, args=('-U', 'asterisk', '-G', 'asterisk'))
    account = asterisk_account(str(tmp_path / 'missing.conf'), **fake.where)
    assert [d['pid'] for d in account['daemons']] == [107]
    assert account['user']['uid'] == 101 and account['user']['source'].startswith('running daemon')


def test_daemons_of_several_users_answer_nothing(tmp_path):
    fake = FakeProc(tmp_path)
    real = fake.binary('usr/sbin/asterisk')
    fake.process(200, real, uid=101, gid=101)
    fake.process(300, real, uid=1000, gid=1000)
    account = asterisk_account(str(tmp_path / 'missing.conf'), **fake.where)
    assert account['user']['name'] is None and account['group']['gid'] is None
    assert 'several users' in account['user']['source'] and 'pid 300' in account['user']['source']


def test_a_process_this_account_may_not_inspect_is_counted_not_guessed(tmp_path, monkeypatch):
    fake = FakeProc(tmp_path)
    fake.process(400, fake.binary('usr/sbin/asterisk'), uid=101, gid=101)
    real_readlink = os.readlink

    def denied(path, *args, **kwargs):
        if path.endswith('/400/exe'):
            raise OSError(errno.EACCES, 'Permission denied', path)
        return real_readlink(path, *args, **kwargs)

    monkeypatch.setattr(os, 'readlink', denied)
    account = asterisk_account(str(tmp_path / 'missing.conf'), **fake.where)
    assert account['daemons'] == [] and account['daemons_unchecked'] == 1
    assert account['user']['source'].startswith('default')


def test_writable_by_others(tmp_path):
    base = tmp_path / 'base'
    (base / 'spool').mkdir(parents=True)
    me = os.getuid()
    # pytest's tmp_path is below directories the test account owns: trust it as "root"
    below = str(base / 'spool')
    assert [r for r in writable_by_others(below, trusted_uid=me) if str(base) in r] == []
    os.chmod(below, 0o770)
    assert '%s is group-writable' % below in writable_by_others(below, trusted_uid=me)
    os.chmod(below, 0o750)
    os.chmod(str(base), 0o777)
    assert '%s is world-writable' % base in writable_by_others(below, trusted_uid=me)
    os.chmod(str(base), 0o755)
    os.symlink(below, str(base / 'link'))
    assert '%s is a symlink' % (base / 'link') in writable_by_others(str(base / 'link'), trusted_uid=me)
    assert any('is owned by' in r for r in writable_by_others(below, trusted_uid=me + 1))
    assert writable_by_others(str(base / 'missing' / 'deeper')) is None
    os.chmod(str(base), 0o777)
    reasons = writable_by_others(str(base / 'missing'), trusted_uid=me)
    assert [r for r in reasons if str(base) in r] == ['%s is world-writable' % base]
