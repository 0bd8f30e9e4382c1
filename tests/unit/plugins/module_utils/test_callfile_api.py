# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pycall-compatible facade: the seed example must run unchanged."""

import datetime
import os
import stat
import time

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import (
    Application,
    Call,
    CallFile,
    Context,
    NoPermissionException,
    NoUserException,
    ValidationError,
    call_filename,
    call_state,
    name_of,
    parse_callfile,
)


@pytest.fixture
def spool(spool):  # pylint: disable=redefined-outer-name
    """The outgoing dir of conftest's spool: the facade takes a path."""
    return spool.outgoing


def seed(**extra):
    return CallFile(trunk_type='Local', trunk_name='from-internal', number='18002223333',
                    application='Playback', data='hello-world', **extra)


def test_seed_example_contents():
    assert seed().contents == ('Channel: Local/18002223333@from-internal\n'
                               'Application: Playback\nData: hello-world\n')


def test_seed_run_now_and_later(spool):
    before = int(time.time())
    now_path = seed(spool_dir=spool).run()
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    later_path = seed(spool_dir=spool).run(later)
    assert now_path != later_path
    assert before <= os.stat(now_path).st_mtime <= time.time() + 1
    assert int(os.stat(later_path).st_mtime) == int(later.timestamp()) + (1 if later.microsecond else 0)
    for path in (now_path, later_path):
        assert parse_callfile(open(path).read()).spec == seed().spec
    # No lock file: the lock is flock on outgoing itself.
    assert os.listdir(os.path.join(os.path.dirname(spool), 'tmp')) == []


def test_seed_trunk_channel_forms():
    sip = CallFile(trunk_type='SIP', trunk_name='flowroute', number='18002223333', application='Echo')
    assert sip.spec.channel == 'SIP/flowroute/18002223333'
    full = CallFile(channel='PJSIP/100', application='Echo')
    assert full.spec.channel == 'PJSIP/100'


def test_seed_callerid_and_set_var():
    cf = CallFile(trunk_type='Local', trunk_name='ctx', number='1', callerid_name='Ops', callerid_num='555',
                  set_var={'ALERT_ID': '42'}, context='alerts', extension='s', priority=2)
    assert cf.spec.callerid == '"Ops" <555>'
    assert cf.spec.variables == [('ALERT_ID', '42')]
    assert (cf.spec.context, cf.spec.extension, cf.spec.priority) == ('alerts', 's', 2)


def test_seed_user_that_does_not_exist(spool):
    with pytest.raises(NoUserException):
        seed(spool_dir=spool, user='no-such-user-xyz').run()
    assert os.listdir(spool) == []


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root to drop to another user')
def test_seed_user_the_process_may_not_hand_files_to(shared_spool):
    spool = shared_spool.outgoing
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            seed(spool_dir=spool, user='root').run()
        except NoPermissionException:
            code = 0
        except BaseException:
            code = 2
        os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert os.listdir(spool) == []


def test_user_owns_the_file(spool):
    path = seed(spool_dir=spool, user=str(os.getuid())).run()
    assert os.stat(path).st_uid == os.getuid()


def test_pycall2_shape(spool):
    cf = CallFile(Call('PJSIP/100', callerid='"A" <1>', variables={'X': '1'}, wait_time=20),
                  Context('alerts', 's', 1), archive=True, filename='mine.call', spool_dir=spool)
    assert cf.buildfile() == ['Channel: PJSIP/100', 'Callerid: "A" <1>', 'WaitTime: 20', 'Context: alerts',
                              'Extension: s', 'Priority: 1', 'Set: X=1', 'Archive: yes']
    assert cf.is_valid()
    path = cf.spool(datetime.datetime.now() + datetime.timedelta(minutes=1))
    assert os.path.basename(path) == 'mine.call'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    app = CallFile(Call('Local/1@a'), Application('Playback', 'hello-world'))
    assert 'Application: Playback\n' in app.contents


def test_bad_input_fails_before_disk(spool):
    with pytest.raises(ValidationError) as info:
        CallFile(trunk_type='Local', trunk_name='ctx', number='1\nApplication: System', application='Echo',
                 spool_dir=spool).run()
    assert info.value.field == 'number'
    with pytest.raises(ValidationError):
        seed(spool_dir=spool).run('not a time')
    assert os.listdir(spool) == []
    with pytest.raises(ValidationError, match='trunk_type: is required'):
        CallFile(application='Echo', spool_dir=spool).run()
    with pytest.raises(ValidationError, match='call: must be a Call'):
        CallFile('Local', 'ctx', spool_dir=spool).spool()
    assert os.listdir(spool) == []


def test_call_names_round_trip():
    name = call_filename('oncall.primary', 'text', 100)
    assert name_of(name) == 'oncall.primary'
    assert call_filename('x', 'text', 100) != call_filename('x', 'text', 101)
    assert call_filename('x', 'text', 100) != call_filename('x', 'other', 100)
    assert name_of('random.call') is None and name_of('x.0123456789abcdef.txt') is None


def test_call_state():
    text = seed().contents
    assert call_state('outgoing', parse_callfile(text)) == 'pending'
    assert call_state('outgoing', parse_callfile(text + 'StartRetry: 1 1 (2)\n')) == 'in_progress'
    assert call_state('done', parse_callfile(text + 'Status: Completed\n')) == 'completed'
    assert call_state('done', parse_callfile(text + 'Status: Expired\n')) == 'expired'
    assert call_state('done', parse_callfile(text + 'Status: Failed\n')) == 'failed'
