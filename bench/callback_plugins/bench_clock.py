# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper (bench/ only, not part of the collection): when a task starts.

Appends "<epoch seconds> <task name>" to the file named by PYCALL_BENCH_CLOCK at each task
start, so a benchmark can tell how long after a task's start something happened on the host.
"""

DOCUMENTATION = '''
name: bench_clock
type: aggregate
short_description: writes task start times for bench/
description:
  - Appends the epoch time and name of each task start to the file in E(PYCALL_BENCH_CLOCK).
'''

import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_clock'
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_task_start(self, task, is_conditional):
        path = os.environ.get('PYCALL_BENCH_CLOCK')
        if path:
            with open(path, 'a') as handle:
                handle.write('%.6f %s\n' % (time.time(), task.get_name()))
