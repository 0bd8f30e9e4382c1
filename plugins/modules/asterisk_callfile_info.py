#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: asterisk_callfile_info
short_description: List Asterisk call files and what became of them
version_added: 0.1.0
description:
  - Reads a host's outgoing spool and its archive (C(outgoing_done)) and returns every call with its
    state, timestamps and parsed fields.
  - States are told from what Asterisk writes into the files. V(pending) is queued and not yet
    dialled (due at its mtime); V(in_progress) carries a C(StartRetry) line (Asterisk is dialling, waiting
    for the next attempt, or stuck, which RV(calls[].phase) tells); V(completed), V(failed) and V(expired) are the C(Status) of an
    archived file; V(unknown) is an archived file without a status or a file that is not a valid call.
  - Changes nothing. Works for any user who can read the spool directories and files.
author:
  - pycall.asterisk maintainers (@pycall)
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.actiongroups
attributes:
  action_group:
    support: full
    membership: [pycall.asterisk.asterisk]
  check_mode:
    support: full
    details: The module never changes anything.
  diff_mode:
    support: N/A
    details: The module never changes anything.
  idempotent:
    description: Running the task again with the same parameters changes nothing and reports C(changed=false).
    support: full
    details: The module only reads.
  platform:
    platforms: posix
options:
  name:
    description:
      - Only calls with these names (the O(pycall.asterisk.asterisk_callfile#module:name) of the call, or a file name
        without C(.call) for files not written by this collection).
    type: list
    elements: str
  status:
    description:
      - Only calls in these states.
    type: list
    elements: str
    choices: [pending, in_progress, completed, failed, expired, unknown]
  spool_dir:
    description:
      - The C(outgoing) directory. Defaults to C(<astspooldir>/outgoing) from C(/etc/asterisk/asterisk.conf),
        else C(/var/spool/asterisk/outgoing). The archive is C(outgoing_done) beside it.
    type: path
seealso:
  - module: pycall.asterisk.asterisk_callfile
'''

EXAMPLES = r'''
- name: Every call on the host
  pycall.asterisk.asterisk_callfile_info:
  register: spool

- name: Did the on-call engineer answer?
  pycall.asterisk.asterisk_callfile_info:
    name: "page-{{ alert_id }}-primary"
  register: page

- name: Report calls that did not get through
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.status }} after {{ item.attempts }} attempt(s)"
  loop: "{{ spool.calls }}"
  when: item.status in ['failed', 'expired']
'''

RETURN = r'''
spool:
  description: The directories read, and where the spool root came from.
  returned: always
  type: dict
  contains:
    outgoing:
      description: The queue directory.
      type: str
      sample: /var/spool/asterisk/outgoing
    done:
      description: The archive directory.
      type: str
      sample: /var/spool/asterisk/outgoing_done
    staging:
      description: The staging directory beside the queue.
      type: str
      sample: /var/spool/asterisk/tmp
    source:
      description:
        - V(spool_dir) when given, else C(astspooldir) followed by the asterisk.conf line it came from, or why
          Asterisk's compiled-in default applies (for example a C([directories]) section marked as a template, C((!))).
      type: str
      sample: "astspooldir: default ([directories] at /etc/asterisk/asterisk.conf:2 is a template, which Asterisk ignores)"
calls:
  description: The calls found, oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The call's name.
      type: str
      sample: page-4711-primary
    file:
      description: Path of the call file.
      type: str
      sample: /var/spool/asterisk/outgoing_done/page-4711-primary.3f2c9a7b1d0e4f68.call
    location:
      description: V(outgoing) (queued or being dialled) or V(done) (archived).
      type: str
      sample: done
    status:
      description: V(pending), V(in_progress), V(completed), V(failed), V(expired) or V(unknown).
      type: str
      sample: completed
    phase:
      description:
        - V(queued) (pending), V(dialing) (last retry note C(StartRetry), an attempt runs now), V(waiting)
          (between attempts, last note C(EndRetry) or C(AbortRetry)), V(stuck) (an attempt no running Asterisk
          will finish, because the Asterisk that started it is gone, or it restarted under the same pid and appends
          C(DelayedRetry) forever), V(finished) (archived), or null for a file that is not a call.
        - V(stuck) is told from C(<astrundir>/asterisk.pid) and C(/proc); when they cannot be read a
          running attempt is reported as V(dialing).
      type: str
      sample: waiting
    stuck_reason:
      description: Why a V(stuck) call cannot finish; null otherwise.
      type: str
      sample: null
    mtime:
      description: The file's mtime (epoch and ISO 8601 UTC).
      type: dict
      sample: {"epoch": 1798101000, "iso_utc": "2026-12-24T08:30:00Z"}
    due:
      description: When a pending call will be dialled; null otherwise.
      type: dict
      sample: {"epoch": 1798101000, "iso_utc": "2026-12-24T08:30:00Z"}
    next_retry:
      description:
        - When a V(waiting) call is attempted next (the end of the last attempt plus RetryTime, which is the
          file's mtime); null otherwise.
        - Null while V(dialing). The next attempt, if this one fails, is its end plus RetryTime, unknown until it ends.
      type: dict
      sample: null
    attempts:
      description: Attempts as Asterisk counts them, its C(EndRetry) and C(AbortRetry) notes plus the attempt running or final.
      type: int
      sample: 1
    attempts_left:
      description: Attempts Asterisk may still make (V(0) for archived files).
      type: int
      sample: 2
    max_attempts:
      description: Attempts allowed, MaxRetries plus one.
      type: int
      sample: 3
    attempt_log:
      description:
        - Each attempt with C(pid) and C(number) of Asterisk's note, C(started) (the true start, the C(StartRetry)
          time minus RetryTime), C(ended) (the C(EndRetry) time; for the final attempt of an archived file, when it
          was archived; else null), C(outcome) (V(failed), V(aborted) by a restart, V(running), V(stuck) or
          V(final)), C(aborted_at) (when a later Asterisk noted the interruption) and C(delayed_retries) (its
          C(DelayedRetry) notes).
      type: list
      elements: dict
      sample: [{"pid": 4242, "number": 1, "started": 1798101000, "ended": 1798101004, "outcome": "failed",
                "aborted_at": null, "delayed_retries": 0}]
    fields:
      description: The call's parsed directives (channel, application, data, context, variables...).
      type: dict
      sample: {"channel": "Local/18002223333@from-internal", "application": "Playback", "data": "hello-world"}
    acknowledged:
      description:
        - For an acknowledged page (O(pycall.asterisk.asterisk_callfile#module:acknowledge=true)), whether the
          callee pressed the key, read from Asterisk's AstDB with C(asterisk -rx) (root or Asterisk's user,
          Asterisk running). V(false) for every other call.
      type: bool
      sample: true
      version_added: 0.2.0
    acknowledged_at:
      description: When the page was acknowledged (epoch and ISO 8601 UTC), or null.
      type: dict
      sample: {"epoch": 1798101012, "iso_utc": "2026-12-24T08:30:12Z"}
      version_added: 0.2.0
    errors:
      description: Why the file is not a valid call, or could not be read.
      type: list
      elements: str
      sample: []
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_asterisk_conf import running_asterisk, spool_root_info
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_errors import CallFileError
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_paging import annotate, read_ack
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_report import STATES, list_calls
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_spool import SpoolPaths


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='list', elements='str'),
            status=dict(type='list', elements='str', choices=list(STATES)),
            spool_dir=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    try:
        paths = SpoolPaths(outgoing=module.params['spool_dir'])
        source = 'spool_dir' if module.params['spool_dir'] else 'astspooldir: %s' % spool_root_info()[1]
        calls = list_calls(paths, names=module.params['name'], statuses=module.params['status'],
                           asterisk=running_asterisk())
        annotate(calls, lambda name: read_ack(name, module.run_command))
    except CallFileError as exc:
        module.fail_json(msg=str(exc), path=getattr(exc, 'path', None))
    module.exit_json(changed=False, calls=calls, spool=dict(paths.as_dict(), source=source))


if __name__ == '__main__':
    main()
