#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: asterisk_callfile_info
short_description: List Asterisk call files and what became of them
version_added: 0.1.0
description:
  - Reads a host's outgoing spool and its archive (C(outgoing_done)) in one pass and returns every call with its
    state, times and attempts, and a RV(summary) with the number of calls in each state.
  - By default each call carries what a runbook decides on (O(detail=compact)); O(detail=full) adds the parsed
    fields, the attempt log and the rest, which for a large archive makes a result of megabytes that Ansible
    takes seconds to pass on.
  - States are told from what Asterisk writes into the files. V(pending) is queued and not yet
    dialled (due at its mtime); V(in_progress) carries a C(StartRetry) line (Asterisk is dialling, waiting
    for the next attempt, or stuck, which RV(calls[].phase) tells); V(completed), V(failed) and V(expired) are the C(Status) of an
    archived file; V(unknown) is an archived file without a status or a file that is not a valid call.
  - Changes nothing. Works for any user who can read the spool directories and files.
  - Safe to run as root over a spool Asterisk's account owns. A symlinked C(outgoing) or C(outgoing_done) is refused
    with an error, and nothing in them is followed or read beyond 64 KiB.
author:
  - pycall.asterisk maintainers (@pycall)
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.actiongroups
  - pycall.asterisk.spool
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
      - Since version 0.2.0 an element with C(*), C(?) or C([) is a shell-style pattern (C(page-4711-*)); call names
        never contain these characters. Names are matched before any file is opened.
    type: list
    elements: str
  status:
    description:
      - Only calls in these states.
    type: list
    elements: str
    choices: [pending, in_progress, completed, failed, expired, unknown]
  since:
    description:
      - Only calls whose file changed at or after this time, which is the last thing Asterisk did with it (an attempt,
        or archiving it when the call ended); a pending call's file time is its due time.
      - A date and time as for O(pycall.asterisk.asterisk_callfile#module:schedule) (ISO 8601, with or without
        offset, or epoch seconds), or a time back from now, C(-N) with unit C(s), C(m), C(h) or C(d) (C(-1h)).
      - Files whose time cannot be read are always listed.
    type: str
    version_added: 0.2.0
  detail:
    description:
      - V(compact) returns per call RV(calls[].name), RV(calls[].status), RV(calls[].phase),
        RV(calls[].acknowledged), RV(calls[].acknowledged_at_epoch), RV(calls[].mtime_epoch),
        RV(calls[].attempts) and RV(calls[].max_attempts), each a plain value, times in epoch seconds (a
        result of nested values costs Ansible more time to carry than reading the spool takes).
      - V(full) returns every key described under RV(calls), the parsed fields, the attempt log and the times
        as dicts with an ISO 8601 form included.
    type: str
    choices: [compact, full]
    default: compact
    version_added: 0.2.0
  asterisk_conf:
    description:
      - Asterisk's main configuration file, read for C(astspooldir) (unless O(spool_dir) is given),
        C(astrundir), C(runuser) and C(rungroup).
    type: path
    default: /etc/asterisk/asterisk.conf
    version_added: 0.2.0
  list_calls:
    description:
      - V(false) reads no call file and returns an empty RV(calls), only RV(spool) (what the
        P(pycall.asterisk.asterisk_spool#role) role asks).
    type: bool
    default: true
    version_added: 0.2.0
  show_variables:
    description:
      - Return the values of the calls' channel variables (C(Set:) lines) in RV(calls[].fields).
      - By default every value is replaced by C(********), with the names kept, because variables are where secrets
        live (O(pycall.asterisk.asterisk_callfile#module:secret_variables)) and a spooled file does not say which of
        its variables were secret. Parse errors that would quote such a line are shortened too.
    type: bool
    default: false
    version_added: 0.2.0
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

- name: Pages of one alert that did not get through in the last hour, and how many did
  pycall.asterisk.asterisk_callfile_info:
    name: "page-{{ alert_id }}-*"
    status: [failed, expired]
    since: -1h
  register: missed

- name: How many calls each state holds
  ansible.builtin.debug:
    msg: "{{ spool.summary.completed }} of {{ spool.summary.total }} calls completed"

- name: Calls still queued, with their due time in UTC
  ansible.builtin.debug:
    msg: "{{ item.name }} is due at {{ '%Y-%m-%dT%H:%M:%SZ' | strftime(item.mtime_epoch, utc=true) }}"
  loop: "{{ spool.calls | selectattr('phase', 'equalto', 'queued') }}"

- name: Everything about one call, its fields and attempt log included
  pycall.asterisk.asterisk_callfile_info:
    name: "page-{{ alert_id }}-primary"
    detail: full
  register: page_detail
'''

RETURN = r'''
spool:
  description:
    - The directories read, where the spool root came from, the account Asterisk runs as, and who else
      may change the spool root and asterisk.conf.
  returned: always
  type: dict
  contains:
    root:
      description: The spool root (Asterisk's C(astspooldir)), the directory holding RV(spool.outgoing).
      type: str
      sample: /var/spool/asterisk
      version_added: 0.2.0
    outgoing:
      description: The queue directory.
      type: str
      sample: /var/spool/asterisk/outgoing
    done:
      description: The archive directory (C(outgoing_done)).
      type: str
      sample: /var/spool/asterisk/outgoing_done
    staging:
      description: The staging directory beside the queue.
      type: str
      sample: /var/spool/asterisk/tmp
    source:
      description:
        - V(spool_dir) when given, else C(astspooldir) followed by the asterisk.conf line it came from, or why
          Asterisk's compiled-in default applies (for example a C([directories]) section marked C((!)) as a template).
      type: str
      sample: "astspooldir: default ([directories] at /etc/asterisk/asterisk.conf:2 is a template, which Asterisk ignores)"
    asterisk_conf:
      description: The asterisk.conf read (O(asterisk_conf)).
      type: str
      sample: /etc/asterisk/asterisk.conf
      version_added: 0.2.0
    user:
      description:
        - The user Asterisk runs as, C(name), C(uid) and C(source), how it was found, the first that answers;
          C(running daemon <exe> (pid N)), a process whose executable (C(/proc/PID/exe)) is a root-owned file
          named C(asterisk) in a root-owned directory, writable by nobody else (its name does not count, nor
          does C(asterisk.pid)), remote consoles and processes in another root left out; C(runuser at
          <file:line>) of asterisk.conf; else C(default ...), the C(asterisk) account Asterisk's packages create.
        - When daemons of several users run, C(name) and C(uid) are null and C(source) names them. C(uid) is
          null for a name that does not exist here.
        - Daemons of other users can only be checked as root; see RV(spool.daemons_unchecked).
      type: dict
      sample: {"name": "asterisk", "uid": 101, "source": "running daemon /usr/sbin/asterisk (pid 812)"}
      version_added: 0.2.0
    group:
      description:
        - The group Asterisk runs as, C(name), C(gid) and C(source); the running daemon's, C(rungroup at
          <file:line>), or the primary group of the user found.
      type: dict
      sample: {"name": "asterisk", "gid": 101, "source": "running daemon /usr/sbin/asterisk (pid 812)"}
      version_added: 0.2.0
    daemons:
      description: The Asterisk daemons found, each with C(pid), C(exe), C(uid), C(gid), C(user) and C(group).
      type: list
      elements: dict
      sample: [{"pid": 812, "exe": "/usr/sbin/asterisk", "uid": 101, "gid": 101, "user": "asterisk", "group": "asterisk"}]
      version_added: 0.2.0
    daemons_unchecked:
      description: Processes named C(asterisk) whose executable this account may not read (it is not root).
      type: int
      sample: 0
      version_added: 0.2.0
    root_writable_by_others:
      description:
        - Why an account other than root may change the spool root or put another directory in its place
          (it is a symlink, owned by another account, group- or world-writable, or so is a directory above it);
          empty when only root can. For a path that does not exist, who may create it (the directories above
          it); null when not even its parent exists.
        - Asterisk's packages often give the spool root to Asterisk's account; root changing things in it then
          acts on paths that account controls.
      type: list
      elements: str
      sample: ["/var/spool/asterisk is owned by asterisk (uid 101)"]
      version_added: 0.2.0
    asterisk_conf_writable_by_others:
      description:
        - The same for RV(spool.asterisk_conf); an account that may rewrite it chooses the spool root
          (C(astspooldir)) that root then creates and repairs.
      type: list
      elements: str
      sample: ["/etc/asterisk/asterisk.conf is owned by asterisk (uid 101)"]
      version_added: 0.2.0
summary:
  description: How many of the calls returned are in each state, how many are acknowledged pages, and the total.
  returned: always
  type: dict
  version_added: 0.2.0
  sample: {"pending": 1, "in_progress": 0, "completed": 9812, "failed": 12, "expired": 175, "unknown": 0,
           "acknowledged": 3, "total": 10000}
calls:
  description:
    - The calls found, oldest first.
    - With O(detail=compact) (the default) only the keys listed there; the others need O(detail=full).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The call's name.
      type: str
      sample: page-4711-primary
    call_file:
      returned: with O(detail=full)
      description: Path of the call file (named like the module's RV(pycall.asterisk.asterisk_callfile#module:call_file)).
      type: str
      sample: /var/spool/asterisk/outgoing_done/page-4711-primary.3f2c9a7b1d0e4f68.call
    location:
      returned: with O(detail=full)
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
      returned: with O(detail=full)
      description: Why a V(stuck) call cannot finish; null otherwise.
      type: str
      sample: null
    mtime_epoch:
      description:
        - The file's mtime, epoch seconds. For a V(queued) call it is when the call is due (RV(calls[].schedule)),
          for a V(waiting) one when it is attempted next (RV(calls[].next_retry)), for a V(finished) one when
          Asterisk archived it.
        - Null when the file's time could not be read.
      type: int
      sample: 1798101000
      version_added: 0.2.0
    mtime:
      returned: with O(detail=full)
      description:
        - The file's mtime (epoch and ISO 8601 UTC).
        - The spool's owner can set any mtime. A year past 9999 is written with more digits, and C(iso_utc)
          is null for a time no calendar date holds.
      type: dict
      sample: {"epoch": 1798101000, "iso_utc": "2026-12-24T08:30:00Z"}
    schedule:
      returned: with O(detail=full)
      description:
        - When a pending call will be dialled (what the module returned as
          RV(pycall.asterisk.asterisk_callfile#module:schedule)); null otherwise.
      type: dict
      sample: {"epoch": 1798101000, "iso_utc": "2026-12-24T08:30:00Z"}
    next_retry:
      returned: with O(detail=full)
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
      returned: with O(detail=full)
      description: Attempts Asterisk may still make (V(0) for archived files).
      type: int
      sample: 2
    max_attempts:
      description: Attempts allowed, MaxRetries plus one.
      type: int
      sample: 3
    attempt_log:
      returned: with O(detail=full)
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
      returned: with O(detail=full)
      description:
        - The call's parsed directives (channel, application, data, context, variables...).
        - Variable values are C(********) unless O(show_variables=true).
      type: dict
      sample: {"channel": "Local/18002223333@from-internal", "application": "Playback", "data": "hello-world"}
    acknowledged:
      description:
        - For an acknowledged page (O(pycall.asterisk.asterisk_callfile#module:acknowledge=true)), whether the
          callee pressed the key, read from Asterisk's AstDB with C(asterisk -rx) (root or Asterisk's user,
          Asterisk running). V(false) for every other call.
        - Null for pages when Asterisk could not be asked (not running, or this account may not use its CLI);
          a warning says why. The listing itself does not fail for that.
      type: bool
      sample: true
      version_added: 0.2.0
    acknowledged_at_epoch:
      description: When the page was acknowledged, epoch seconds, or null.
      type: int
      sample: 1798101012
      version_added: 0.2.0
    acknowledged_at:
      returned: with O(detail=full)
      description: When the page was acknowledged (epoch and ISO 8601 UTC), or null.
      type: dict
      sample: {"epoch": 1798101012, "iso_utc": "2026-12-24T08:30:12Z"}
      version_added: 0.2.0
    errors:
      returned: with O(detail=full)
      description:
        - Why the file is not a valid call, or could not be read.
        - A name in the spool that is not a plain file (a symbolic link, FIFO, device or socket), a file larger than
          64 KiB, or a file another process holds a lease on is listed with status V(unknown) and the reason here; it
          is never followed, opened blocking or read whole.
      type: list
      elements: str
      sample: []
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.asterisk_conf import (
    running_asterisk,
    spool_facts,
    spool_root_info,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import CallFileError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.listing import DETAILS, list_spool, parse_since, summarize
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.paging import annotate, read_ack
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.report import STATES
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='list', elements='str'),
            status=dict(type='list', elements='str', choices=list(STATES)),
            since=dict(type='str'),
            detail=dict(type='str', choices=list(DETAILS), default='compact'),
            spool_dir=dict(type='path'),
            asterisk_conf=dict(type='path', default='/etc/asterisk/asterisk.conf'),
            list_calls=dict(type='bool', default=True),
            show_variables=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    conf = params['asterisk_conf']
    calls, summary = [], summarize([])
    ack_problems = []

    def acknowledgements(found):
        problem = annotate(found, lambda name: read_ack(name, module.run_command))
        if problem:
            ack_problems.append(problem)

    try:
        paths = SpoolPaths(outgoing=params['spool_dir'], asterisk_conf=conf)
        source = 'spool_dir' if params['spool_dir'] else 'astspooldir: %s' % spool_root_info(conf)[1]
        spool = spool_facts(paths.outgoing, conf, dict(paths.as_dict(), source=source))
        if params['list_calls']:
            calls, summary = list_spool(paths, names=params['name'], statuses=params['status'],
                                        since=parse_since(params['since']), detail=params['detail'],
                                        asterisk=running_asterisk(conf), show_variables=params['show_variables'],
                                        annotate=acknowledgements)
    except CallFileError as exc:
        module.fail_json(msg=str(exc), path=getattr(exc, 'path', None))
    for problem in ack_problems:
        module.warn('acknowledged is null (unknown) for the pages listed: %s' % problem)
    module.exit_json(changed=False, calls=calls, summary=summary, spool=spool)


if __name__ == '__main__':
    main()
