# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a spooler process can be frozen, so a test can SIGKILL it at that exact step.

Shared by the unit tests (test_callfile_reliability.py) and the lab's crash driver
(asterisk_callfile_crash/files/crash_driver.py, which gets a copy of this file beside it),
so both kill the writer at the same places. Each hook fires once, then gets out of the way.
"""

import os
import signal

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import manage as callfile_manage, spool as callfile_spool

# (step, what has happened when the spooler stops there), in the order a spooler reaches them
STEPS = [
    ('locked', 'spool lock held, spool not yet scanned'),
    ('created', 'staged file created and flocked, nothing written'),
    ('mid-write', 'half of the text written'),
    ('written', 'whole text written, not fsynced'),
    ('synced', 'text fsynced, mode not set'),
    ('moded', 'mode set, owner not set'),
    ('owned', 'owner set, due time not set'),
    ('dated', 'due time set, just before the rename'),
    ('published', 'renamed into outgoing, directory not fsynced'),
]


def stop_self():
    os.kill(os.getpid(), signal.SIGSTOP)


def stop_before(owner, attr):
    """SIGSTOP just before the next call of ``owner.attr``."""
    real = getattr(owner, attr)

    def hooked(*args, **kwargs):
        setattr(owner, attr, real)
        stop_self()
        return real(*args, **kwargs)
    setattr(owner, attr, hooked)


def stop_mid_write():
    """Let the next os.write write half its data (at least one byte), then SIGSTOP."""
    real = os.write

    def half(fd, data):
        os.write = real
        written = real(fd, data[:max(1, len(data) // 2)])
        stop_self()
        return written
    os.write = half


_BEFORE = {
    'locked': (callfile_manage, 'find_calls'),
    'created': (os, 'write'),
    'written': (os, 'fsync'),
    'synced': (os, 'fchmod'),
    'moded': (os, 'fchown'),
    'owned': (os, 'utime'),
    'dated': (callfile_spool, 'rename_noreplace'),
    'published': (callfile_spool, 'fsync_dir'),
}


def install_stop(step):
    """Make this process SIGSTOP itself at ``step`` (one of STEPS), once."""
    if step == 'mid-write':
        stop_mid_write()
    else:
        stop_before(*_BEFORE[step])
