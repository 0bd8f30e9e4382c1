# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the pycall 1.x example programs through the shim and check what they spooled.

Run by tests/ci/pycall.sh inside a private mount namespace whose /var/spool
is a fresh tmpfs: the programs use pycall 1.x's default spool directory.
Prints one PASSED/FAILED line per example and "N passed, M failed".
Usage: check_examples.py EXAMPLES_DIR (PYTHONPATH must reach the shim).
"""

import grp
import os
import pwd
import shutil
import subprocess
import sys
import time

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import parse_callfile

SPOOL = '/var/spool/asterisk'
OUTGOING = os.path.join(SPOOL, 'outgoing')


def has_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def spooled():
    """(record, stat) of every file in outgoing, oldest due first."""
    found = []
    for name in os.listdir(OUTGOING):
        path = os.path.join(OUTGOING, name)
        with open(path) as handle:
            found.append((parse_callfile(handle.read()), os.stat(path)))
    return sorted(found, key=lambda item: item[1].st_mtime)


def check_hello_world(files, _output, started):
    assert len(files) == 1, files
    spec, info = files[0][0].spec, files[0][1]
    assert (spec.channel, spec.application, spec.data) == ('SIP/flowroute/18002223333', 'Playback', 'hello-world')
    assert started - 1 <= info.st_mtime <= time.time() + 1
    assert info.st_mode & 0o007 == 0, oct(info.st_mode)


def check_all_settings(files, _output, _started):
    assert len(files) == 1, files
    spec, info = files[0][0].spec, files[0][1]
    assert spec.as_dict() == {
        'channel': 'SIP/flowroute/12223334444', 'callerid': '"Help Desk" <5551234>', 'wait_time': 60,
        'retry_time': 30, 'max_retries': 10, 'account': '1000', 'application': 'Playback',
        'data': 'hello-world', 'context': None, 'extension': None, 'priority': None,
        'variables': {'fun': 'yes', 'hi': 'there'}, 'codecs': [], 'always_delete': True, 'archive': True,
        'early_media': None}, spec.as_dict()
    nobody = pwd.getpwnam('nobody')
    # pycall 1.x chowned to the user and the user's own group.
    assert (info.st_uid, info.st_gid) == (nobody.pw_uid, nobody.pw_gid), (info.st_uid, grp.getgrgid(info.st_gid))
    assert os.listdir(os.path.join(SPOOL, 'tmp')) in ([], ['.pycall.lock'])


def check_run_as_user(files, output, _started):
    owners = sorted(pwd.getpwuid(info.st_uid).pw_name for _record, info in files)
    if has_user('asterisk'):
        assert owners == ['asterisk', 'nobody'], owners
    else:
        assert owners == ['nobody'], owners
        assert 'no user asterisk here: call skipped' in output, output
    assert 'spooled as nobody' in output, output


def check_schedule_call(files, output, started):
    assert len(files) == 3, files
    times = [info.st_mtime for _record, info in files]
    # The 2010 date and "now" are both due at once; the first run is an hour ahead.
    assert started - 1 <= times[0] <= times[1] <= time.time() + 1, times
    assert 3600 - 5 <= times[2] - started <= 3600 + 5, times
    assert 'run(100): not a time, nothing spooled' in output, output


def check_variable_passing(files, _output, _started):
    assert len(files) == 1, files
    spec = files[0][0].spec
    assert (spec.context, spec.extension, spec.priority) == ('survey', 's', 1)
    assert dict(spec.variables) == {'name': 'Randall', 'phonenum': '18182223333', 'height': '6"0', 'pets': '3',
                                    'vip': 'True', 'greeting': 'tt-monkeys'}, spec.variables


CHECKS = (('hello_world.py', check_hello_world), ('all_settings.py', check_all_settings),
          ('run_as_user.py', check_run_as_user), ('schedule_call.py', check_schedule_call),
          ('variable_passing.py', check_variable_passing))


def fresh_spool():
    shutil.rmtree(SPOOL, ignore_errors=True)
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        os.makedirs(os.path.join(SPOOL, name))


def main(examples):
    passed = failed = 0
    for name, check in CHECKS:
        fresh_spool()
        started = time.time()
        proc = subprocess.run([sys.executable, os.path.join(examples, name)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=60, check=False)
        try:
            assert proc.returncode == 0, 'exit %d: %s' % (proc.returncode, proc.stdout)
            check(spooled(), proc.stdout, int(started))
        except AssertionError as exc:
            failed += 1
            print('FAILED %s: %s' % (name, exc))
        else:
            passed += 1
            print('PASSED %s' % name)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
