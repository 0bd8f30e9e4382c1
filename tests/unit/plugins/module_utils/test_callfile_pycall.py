# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall 1.x and 2.x parity of callfile.CallFile: names, late validation, live attributes, errors."""

import datetime
import grp
import os
import pwd
import stat

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils import callfile as lib
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import (
    Application,
    Call,
    CallFile,
    Context,
    parse_callfile,
)


@pytest.fixture
def spool(spool):  # pylint: disable=redefined-outer-name
    return spool.outgoing


def legacy(**extra):
    args = dict(trunk_type='SIP', trunk_name='flowroute', number='18002223333', application='Playback',
                data='hello-world')
    args.update(extra)
    return CallFile(**args)


def modern(spool_dir, **extra):
    return CallFile(Call('SIP/flowroute/18002223333'), Application('Playback', 'hello-world'),
                    spool_dir=spool_dir, **extra)


def spooled(path):
    with open(path) as handle:
        return parse_callfile(handle.read()).spec


def nothing_written(spool_dir):
    staging = os.path.join(os.path.dirname(spool_dir), 'tmp')
    return os.listdir(spool_dir) == [] and [n for n in os.listdir(staging) if not n.startswith('.pycall.lock')] == []


def test_attributes_changed_after_construction_are_written_1x(spool):
    cf = legacy(dir=spool)
    cf.number = '18885550000'
    cf.data = 'tt-monkeys'
    cf.archive = True
    cf.user = str(os.getuid())
    spec = spooled(cf.run())
    assert spec.channel == 'SIP/flowroute/18885550000'
    assert (spec.data, spec.archive) == ('tt-monkeys', True)


def test_attributes_changed_after_construction_are_written_2x(spool):
    cf = modern(spool)
    cf.call = Call('PJSIP/200', wait_time=20)
    cf.action = Context('survey', 's', '2')
    cf.call.callerid = '"Ops" <555>'
    cf.archive = True
    spec = spooled(cf.spool())
    assert (spec.channel, spec.wait_time, spec.callerid) == ('PJSIP/200', 20, '"Ops" <555>')
    assert (spec.context, spec.extension, spec.priority, spec.archive) == ('survey', 's', 2, True)


def test_validation_waits_for_is_valid_and_spool(spool):
    # pycall 2.x: any attributes construct; is_valid() says False, spool() raises before disk.
    cf = CallFile('call', 'action', spool_dir=spool)
    assert cf.is_valid() is False
    with pytest.raises(lib.ValidationError, match='call: must be a Call'):
        cf.spool()
    bad_type = modern(spool)
    bad_type.call.wait_time = '10'
    assert bad_type.is_valid() is False
    with pytest.raises(lib.ValidationError) as info:
        bad_type.spool()
    assert info.value.field == 'wait_time'
    injected = modern(spool)
    injected.action.data = 'hello\nApplication: System'
    assert not injected.is_valid()
    with pytest.raises(lib.ValidationError):
        injected.buildfile()
    assert nothing_written(spool)


def test_call_is_valid_follows_pycall_types_and_asterisk_rules():
    assert Call('SIP/flowroute/1', variables={'a': 'b'}, wait_time=10, retry_time=1, max_retries=2).is_valid()
    assert not Call('SIP/flowroute/1', variables='ab').is_valid()
    for field in ('wait_time', 'retry_time', 'max_retries'):
        assert not Call('SIP/flowroute/1', **{field: '1'}).is_valid(), field
    # Asterisk would read these otherwise than written.
    assert not Call('channel').is_valid()
    assert not Call('SIP/flowroute/1', wait_time=0).is_valid()


def test_render_lines_of_call_and_actions():
    call = Call('SIP/flowroute/1', callerid='"A" <1>', variables={'vip': True}, account='acct', wait_time=5,
                retry_time=60, max_retries=2)
    assert call.render() == ['Channel: SIP/flowroute/1', 'Callerid: "A" <1>', 'Set: vip=True', 'Account: acct',
                             'WaitTime: 5', 'RetryTime: 60', 'MaxRetries: 2']
    assert Application('Playback', 'hello-world').render() == ('Application: Playback', 'Data: hello-world')
    assert Context('survey', 's', '1').render() == ('Context: survey', 'Extension: s', 'Priority: 1')
    assert isinstance(Application('Echo'), lib.Action) and isinstance(Context('c', 's'), lib.Action)
    with pytest.raises(lib.ValidationError) as info:
        Call('SIP/1', callerid='x\nApplication: System').render()
    assert info.value.field == 'callerid'


def test_1x_keyword_names_and_add_set(spool):
    tmp = os.path.join(os.path.dirname(spool), 'tmp')
    cf = legacy(sets={'fun': 'yes'}, dir=spool + '/', tmpdir=tmp)
    cf.add_set('pets', 3)
    cf.add_set('vip', False)
    assert (cf.dir, cf.tmpdir) == (spool + '/', tmp)
    spec = spooled(cf.run())
    assert spec.variables == [('fun', 'yes'), ('pets', '3'), ('vip', 'False')]
    with pytest.raises(TypeError, match='both sets= and variables='):
        legacy(sets={}, variables={})
    with pytest.raises(TypeError, match='unexpected keyword'):
        legacy(spooldir=spool)


def test_1x_defaults_write_no_always_delete_or_archive_line():
    text = legacy(always_delete=False, archive=False, max_retries=0, retry_time=0, wait_time=0, account='',
                  callerid_name='', priority='').contents
    assert text == 'Channel: SIP/flowroute/18002223333\nApplication: Playback\nData: hello-world\n'
    assert 'AlwaysDelete: yes' in legacy(always_delete=True).contents


@pytest.mark.parametrize('missing, error', [
    ('trunk_type', lib.NoTrunkTypeDefined), ('trunk_name', lib.NoTrunkNameDefined), ('number', lib.NoNumberDefined),
])
def test_1x_missing_trunk_parts_raise_1x_errors(spool, missing, error):
    cf = legacy(dir=spool, **{missing: ''})
    with pytest.raises(error) as info:
        cf.run()
    assert isinstance(info.value, lib.ValidationError) and info.value.field == missing
    assert nothing_written(spool)


def test_1x_no_action_raises_no_action_defined(spool):
    cf = legacy(dir=spool, application='', data='')
    with pytest.raises(lib.NoActionDefined):
        cf.run()
    cf.context, cf.extension = 'survey', 's'
    assert spooled(cf.run()).extension == 's'


def test_pycall_exceptions_are_ours_and_raise_bare():
    assert lib.IncorrectTime is lib.InvalidTimeError
    assert lib.NoAsteriskPermission is lib.NoSpoolPermissionError
    assert issubclass(lib.SpoolAccessError, lib.NoSpoolPermissionError)
    assert issubclass(lib.SpoolAccessError, lib.NoPermissionException)
    for cls in (lib.ValidationError, lib.NoSpoolPermissionError, lib.NoUserError, lib.NoUserPermissionError,
                lib.InvalidTimeError, lib.UnknownError, lib.NoActionDefined, lib.NoTrunkTypeDefined):
        assert issubclass(cls, lib.PycallError)
        assert isinstance(cls(), cls)
    assert str(lib.ValidationError()) == 'the call file is not valid'
    assert lib.NoNumberDefined().field == 'number'


def test_time_that_is_not_a_datetime_is_invalid_time(spool):
    with pytest.raises(lib.InvalidTimeError):
        modern(spool).spool(666)
    with pytest.raises(lib.IncorrectTime):
        legacy(dir=spool).run(100)
    assert nothing_written(spool)
    later = datetime.datetime.now() + datetime.timedelta(hours=1)
    path = legacy(dir=spool).run(later)
    assert os.stat(path).st_mtime >= later.timestamp()


def test_filename_1x_new_each_run_2x_stable(spool):
    cf = legacy(dir=spool)
    assert cf.filename is None
    first = cf.run()
    assert os.path.basename(first) == cf.filename
    second = cf.run()
    assert second != first and os.path.basename(second) == cf.filename
    cf.filename = 'chosen.call'
    assert cf.run().endswith('/chosen.call')
    two = modern(spool)
    name = two.filename
    assert name and name.endswith('.call')
    assert os.path.basename(two.spool()) == name == two.filename
    # pycall 2.x would have replaced the queued file; a file name is never reused here.
    with pytest.raises(lib.CallExistsError):
        two.spool()


def test_default_spool_dir_and_tempdir_follow_spool_dir(spool):
    cf = CallFile(Call('SIP/1'), Application('Echo'))
    assert cf.spool_dir == CallFile.DEFAULT_SPOOL_DIR == os.path.join(lib.spool_root(), 'outgoing')
    cf.spool_dir = spool
    assert cf.tempdir == os.path.join(os.path.dirname(spool), 'tmp')
    cf.tempdir = '/elsewhere'
    assert (cf.tempdir, cf.tmpdir) == ('/elsewhere', '/elsewhere')


def test_is_valid_and_buildfile_check_the_spool_dir_2x_only(spool):
    missing = os.path.join(spool, 'nope')
    cf = modern(missing)
    assert not cf.is_valid()
    with pytest.raises(lib.ValidationError, match='spool_dir'):
        cf.buildfile()
    assert legacy(dir=missing).buildfile()[0] == 'Channel: SIP/flowroute/18002223333'
    assert modern(spool).is_valid()
    assert 'archive: None, user: None, spool_dir: %s' % spool in str(modern(spool))


def test_writefile_owner_only_in_tempdir_never_through_a_link(spool):
    cf = modern(spool, archive=True)
    path = cf.writefile()
    assert path == os.path.join(cf.tempdir, cf.filename)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as handle:
        assert handle.read() == cf.contents
    assert os.listdir(spool) == []
    with pytest.raises(lib.CallExistsError):
        cf.writefile()
    linked = modern(spool, filename='linked.call')
    os.symlink('/etc/passwd-target', os.path.join(linked.tempdir, 'linked.call'))
    with pytest.raises(lib.CallExistsError):
        linked.writefile()
    assert not os.path.exists('/etc/passwd-target')
    old = legacy(dir=spool)
    assert os.path.dirname(old.writefile(old.buildfile())) == old.tempdir


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root to give the file away')
def test_user_gets_the_users_own_group_as_pycall_did(spool):
    nobody = pwd.getpwnam('nobody')
    info = os.stat(legacy(dir=spool, user='nobody').run())
    assert (info.st_uid, info.st_gid) == (nobody.pw_uid, nobody.pw_gid)
    staff = grp.getgrall()[0].gr_gid
    info = os.stat(legacy(dir=spool, user='nobody', group=staff).run())
    assert info.st_gid == staff
    with pytest.raises(lib.NoUserError):
        legacy(dir=spool, user='no-such-user-xyz').run()


def _as_nobody(action):
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.setgroups([])
            os.setgid(pwd.getpwnam('nobody').pw_gid)
            os.setuid(pwd.getpwnam('nobody').pw_uid)
            code = action()
        except BaseException:  # pylint: disable=broad-except
            code = 2
        os._exit(code)
    return os.WEXITSTATUS(os.waitpid(pid, 0)[1])


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root to drop to another user')
def test_non_root_without_spool_access_gets_no_spool_permission_error(shared_spool):
    os.chmod(shared_spool.outgoing, 0o755)

    def action():
        try:
            legacy(dir=shared_spool.outgoing, user='nobody').run()
        except lib.NoSpoolPermissionError as exc:
            return 0 if isinstance(exc, lib.NoPermissionException) else 1
        return 1
    assert _as_nobody(action) == 0
    assert os.listdir(shared_spool.outgoing) == []


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root to drop to another user')
def test_non_root_user_self_spools_with_own_group(shared_spool):
    # The spool dir's group is root's; pycall gave the file the user's own group, which works.
    def action():
        path = legacy(dir=shared_spool.outgoing, user='nobody').run()
        info = os.stat(path)
        return 0 if (info.st_uid, info.st_gid) == (os.getuid(), os.getgid()) else 1
    assert _as_nobody(action) == 0
    assert len(os.listdir(shared_spool.outgoing)) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root to drop to another user')
def test_non_root_that_cannot_reach_the_spool_is_valid_but_gets_no_spool_permission_error(shared_spool):
    # is_valid() is about the call; reaching the spool is spool()'s NoSpoolPermissionError.
    os.chmod(os.path.dirname(shared_spool.outgoing), 0o700)

    def action():
        cf = modern(shared_spool.outgoing, user='nobody')
        if not cf.is_valid():
            return 1
        try:
            cf.spool()
        except lib.NoSpoolPermissionError:
            return 0
        return 1
    assert _as_nobody(action) == 0
    os.chmod(os.path.dirname(shared_spool.outgoing), 0o755)
    assert os.listdir(shared_spool.outgoing) == []
