#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: asterisk_callfile
short_description: Place a phone call through Asterisk by spooling a call file
version_added: 0.1.0
description:
  - Writes an Asterisk call file into the outgoing spool so that Asterisk dials O(channel) and, once
    the call is answered, runs an application or continues in the dialplan.
  - The file is staged on the spool's filesystem, handed to Asterisk's user, dated with the
    requested dial time and renamed into the spool in one step, so Asterisk never reads a partial
    file and never dials at the wrong time.
  - Idempotent by call name. A call of the same name and content that is already pending, in
    flight or finished is not spooled again, unless O(force=true).
  - Changing a pending call (content or schedule) cancels the old file and spools the new one under
    a new file name, because Asterisk keeps the first due time it saw for a file name.
  - Every value is checked before anything touches the disk. Values that would inject directives
    (newlines, control characters, comment markers) are refused with the parameter's name and the rule.
  - Safe to run as root over a spool Asterisk's account owns and writes. A symlinked O(spool_dir), C(outgoing_done)
    or O(staging_dir) is refused with an error; nothing in them is followed, opened blocking or read beyond 64 KiB;
    nothing outside the spool is created, changed or deleted; every wait is bounded (O(lock_timeout), O(wait_timeout)).
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
  diff_mode:
    support: full
  idempotent:
    description: Running the task again with the same parameters changes nothing and reports C(changed=false).
    support: partial
    details:
      - Not with O(force=true), which spools the call again on every run.
  platform:
    platforms: posix
options:
  name:
    description:
      - The call's identity, used for idempotency, rescheduling and cancelling.
      - Letters, digits and C(_ . @ + -), starting with a letter or digit, at most 178 characters (fewer when the
        path of C(outgoing_done) is longer than 54 characters, so that Asterisk can archive the file whole).
      - When omitted, a name is derived from the call's content, so the same call is not spooled twice. The values of
        O(secret_variables) are not part of it; a call whose secret changed keeps its name and is rescheduled.
      - Use a name per event (for example the alert's id) when the same call must be placed again later.
    type: str
  state:
    description:
      - V(present) spools the call unless it is already pending or already ran.
      - V(absent) cancels files of the call named O(name) that Asterisk is not dialling, queued ones and
        ones between two attempts (their last retry note is C(EndRetry) or C(AbortRetry)); deleting such a
        file stops its remaining retries silently. A file whose last note is C(StartRetry) (Asterisk is
        dialling it now) is never disturbed.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Spool the call again even though a call of this name and content is pending, in flight or finished.
      - With O(state=absent), also remove files of the call that are stuck (see RV(stuck)); a file Asterisk is
        really dialling is still left alone.
    type: bool
    default: false
  channel:
    description:
      - The channel to dial, C(Tech/destination), for example C(PJSIP/100) or C(Local/100@from-internal).
      - Mutually exclusive with O(trunk_type), O(trunk_name) and O(number).
    type: str
  trunk_type:
    description:
      - pycall's way to build the channel. With O(trunk_name) and O(number), the channel becomes
        C(Local/<number>@<trunk_name>) for a C(Local) trunk, else C(<trunk_type>/<trunk_name>/<number>).
    type: str
  trunk_name:
    description:
      - Trunk name (or dialplan context for C(Local)); see O(trunk_type).
    type: str
  number:
    description:
      - Number to dial; see O(trunk_type).
    type: str
  application:
    description:
      - Dialplan application to run once the call is answered, for example C(Playback).
      - Mutually exclusive with O(context), O(extension) and O(priority). One of O(application) or O(extension) is required
        when O(state=present).
      - Letters, digits and C(_), at most 31 characters.
    type: str
  data:
    description:
      - Arguments passed verbatim to O(application).
    type: str
  context:
    description:
      - Dialplan context to continue in once answered (with O(extension)). At most 79 characters.
      - Without it Asterisk runs O(extension) in the channel's own context.
    type: str
  extension:
    description:
      - Dialplan extension to continue at once answered. At most 79 characters.
    type: str
  priority:
    description:
      - Dialplan priority, an integer of at least 1; V(1) when O(extension) is given without it.
      - Labels are not supported by Asterisk's call files.
    type: int
  callerid:
    description:
      - Caller id presented to the callee, for example C("Ops" <5551234>), C(<5551234>), C("Ops") or a bare value.
      - Values Asterisk would change are refused, so that what is given arrives. That is a backslash, a double quote
        or leading/trailing blanks in the name (Asterisk removes every backslash); blanks, parentheses, C(-), brackets
        or a C(.) before the end in the number (Asterisk drops them); and a bare value that Asterisk would shrink
        to a number (C(555-1234) would become the number C(5551234)).
    type: str
  variables:
    description:
      - Channel variables to set, in order. Values may contain C(;), C(=) and C(:).
      - Names must not be empty or contain C(=) or blanks; dialplan functions such as C(CALLERID(name)) work.
    type: dict
  secret_variables:
    description:
      - Like O(variables), for values that must not appear in logs or output (they are still written
        to the call file, which only its owner can read by default, see O(mode)).
      - Their values are masked (C(********)) in RV(content), the diff and every message, in the form the call file
        writes them too (a C(;) is written C(\;)); the diff never shows a variable of an already spooled file that
        this task does not give in O(variables), so rotating a secret does not print the old one.
      - They do not enter a derived O(name) nor the digest of the file name, so neither lets anyone recover them.
    type: dict
  account:
    description:
      - Account code of the call.
    type: str
  wait_time:
    description:
      - Seconds to wait for an answer, at least 1 (Asterisk's default is 45).
    type: int
  retry_time:
    description:
      - Seconds between attempts, at least 1 (Asterisk's default is 300). Now plus O(retry_time) must stay before
        2038-01-19T03:14:07Z (Asterisk keeps it in a C int).
    type: int
  max_retries:
    description:
      - Retries after the first attempt, 0 to 2147483646 (Asterisk's default is 0).
    type: int
  codecs:
    description:
      - Codec entries, each written as its own C(Codecs) line, for example C(ulaw,alaw) or C(!g729).
      - Blanks around C(,) and C(|) are removed (C(ulaw, alaw) is written C(ulaw,alaw)), as Asterisk strips entries.
    type: list
    elements: str
  archive:
    description:
      - Whether Asterisk moves the finished file to C(outgoing_done) with a C(Status) line.
      - Defaults to V(true) in this module (Asterisk's own default is V(false)), because the archived
        record is how a later run knows that the call already happened and how its outcome is read.
    type: bool
    default: true
  always_delete:
    description:
      - Whether Asterisk deletes the file after the call even when its mtime is in the future.
      - When omitted Asterisk's default (V(true)) applies. V(false) is refused. Asterisk then keeps pushing the
        file's mtime into the future itself, so the file stays in C(outgoing) after every call (never deleted, never
        archived, so no outcome and no idempotency) and is dialled again after each Asterisk restart.
    type: bool
  early_media:
    description:
      - Whether early media counts as an answer (written as C(early_media)).
      - Only for O(context)/O(extension) calls; V(true) with O(application) is refused, because Asterisk ignores it there.
    type: bool
  schedule:
    description:
      - When to dial, read on the target host's clock.
      - ISO 8601 with an offset (C(2026-12-24T09:30:00+01:00), C(...Z)) is an exact instant; without an
        offset it is the target host's local time.
      - Epoch seconds (C(1798101000)) are exact.
      - Relative times C(+30s), C(+5m), C(+2h), C(+1d) count from the moment the module runs; C(now) is the default.
      - A time in the past dials now. A time after 2038-01-19T03:14:07Z is refused, because Asterisk keeps due times
        in a C int, which would wrap and dial at once.
      - For idempotency, an absolute schedule must match the pending call's due time; a relative one
        is satisfied by any pending or finished call of the same name and content.
    type: str
    default: now
  owner:
    description:
      - User that owns the call file. Asterisk must own it to update it; a file it cannot update is
        retried forever.
      - Defaults to the owner of the spool directory, which is the user Asterisk runs as.
      - The module fails before writing if it cannot hand the file to this user (it must run as root
        or as that user).
    type: str
  group:
    description:
      - Group of the call file. Defaults to the group of the spool directory.
    type: str
  mode:
    description:
      - Permissions of the call file, as an octal string such as C('0640'). Defaults to C(0600) (C(0640) before 0.2.0),
        owner only, because variables can carry secrets. Asterisk runs as the file's owner (by default the owner of
        O(spool_dir)), so it reads the file; members of its group do not.
      - Must give the owner read and write (the C(0600) bits). Without read Asterisk deletes the call unread; without
        write it cannot note retries, so a failing call is redialled forever and never gets a C(Status).
    type: raw
  staging_dir:
    description:
      - Where the file is written before it is renamed into O(spool_dir). Must be on the same filesystem.
      - Defaults to C(tmp) beside O(spool_dir), as Asterisk packages ship it.
    type: path
  lock_timeout:
    description:
      - Seconds to wait for the spool lock before failing. Runs on one O(spool_dir) take turns through C(flock) on
        that directory itself (whatever their O(staging_dir)); no lock file is created anywhere, in check mode neither.
      - Whoever can open the directory can hold the lock, Asterisk's account too, so the wait is bounded. On
        timeout the task fails, naming the pid holding the lock when C(/proc/locks) shows it, and changes nothing.
    type: int
    default: 30
    version_added: 0.2.0
  calls:
    description:
      - Several calls in one run, for example an on-call list or a wake-up roster. Each entry takes
        the call options below; options given at task level are the defaults of every entry. An entry
        with its own O(calls[].channel) or O(calls[].trunk_type) replaces the task's channel options, and
        one with its own O(calls[].application), O(calls[].context) or O(calls[].extension) replaces the
        task's action options; O(calls[].number), O(calls[].data) or O(calls[].priority) alone refine the task's.
      - Entries are checked like task-level options (the same types and conversions), and every entry
        is validated before any file is written, so one invalid entry writes nothing; errors name the
        entry, for example C(calls[2].number).
      - The spool is read once for the whole list.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - O(name) of this entry; without it, C(<name>-<i>) when the task has a O(name), else derived.
        type: str
      channel:
        description:
          - O(channel) of this entry; replaces the task's channel options.
        type: str
      trunk_type:
        description:
          - O(trunk_type) of this entry; replaces the task's channel options.
        type: str
      trunk_name:
        description:
          - O(trunk_name) of this entry.
        type: str
      number:
        description:
          - O(number) of this entry; alone, it refines the task's trunk.
        type: str
      application:
        description:
          - O(application) of this entry; replaces the task's action options.
        type: str
      data:
        description:
          - O(data) of this entry; alone, it refines the task's action.
        type: str
      context:
        description:
          - O(context) of this entry; replaces the task's action options.
        type: str
      extension:
        description:
          - O(extension) of this entry; replaces the task's action options.
        type: str
      priority:
        description:
          - O(priority) of this entry.
        type: int
      callerid:
        description:
          - O(callerid) of this entry.
        type: str
      variables:
        description:
          - O(variables) of this entry, instead of the task's.
        type: dict
      secret_variables:
        description:
          - O(secret_variables) of this entry, instead of the task's; masked like them.
        type: dict
      account:
        description:
          - O(account) of this entry.
        type: str
      wait_time:
        description:
          - O(wait_time) of this entry.
        type: int
      retry_time:
        description:
          - O(retry_time) of this entry.
        type: int
      max_retries:
        description:
          - O(max_retries) of this entry.
        type: int
      codecs:
        description:
          - O(codecs) of this entry.
        type: list
        elements: str
      archive:
        description:
          - O(archive) of this entry.
        type: bool
      always_delete:
        description:
          - O(always_delete) of this entry.
        type: bool
      early_media:
        description:
          - O(early_media) of this entry.
        type: bool
      schedule:
        description:
          - O(schedule) of this entry (O(spacing) is added to it).
        type: str
  spacing:
    description:
      - With O(calls), seconds between the schedules of consecutive entries (entry I(i) is due
        O(schedule) plus I(i) times O(spacing)).
    type: int
    default: 0
  detail:
    description:
      - How much each entry of RV(calls) says when O(calls) is given.
      - V(compact) returns per entry RV(calls[].changed), RV(calls[].name), RV(calls[].call_file),
        RV(calls[].status), RV(calls[].phase), RV(calls[].schedule) and RV(calls[].msg), plus the keys
        O(wait) and O(acknowledge) add. A batch of thousands of calls then costs Ansible a fraction of the
        time to carry back.
      - V(full) adds the call file's text (RV(calls[].content)) and the lists of other files each entry
        touched or left alone (RV(calls[].cancelled), RV(calls[].in_flight), RV(calls[].cancelled_waiting),
        RV(calls[].stuck)). In diff mode the batch's diff shows the text whatever the detail.
      - Without O(calls) the result is always complete.
    type: str
    choices: [compact, full]
    default: compact
    version_added: 0.2.0
  wait:
    description:
      - Wait until Asterisk reports the call's outcome (the C(Status) line of the archived file) or
        O(wait_timeout) passes, and return it in RV(status), with RV(attempts) and RV(timed_out).
      - Needs O(archive=true). A timeout is not a failure; use C(failed_when) on RV(status) or RV(timed_out).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait in total when O(wait=true).
    type: int
    default: 300
  acknowledge:
    description:
      - Page the callee and ask for a key press. Answering is not acknowledging (a voicemail box or an
        auto-attendant answers too), so the call counts as acknowledged only when the callee presses O(ack_digit).
      - The answered call runs the C(pycall-page) context that the P(pycall.asterisk.asterisk_paging#role) role
        installs; O(application), O(data), O(context), O(extension) and O(priority) cannot be combined with it.
      - Needs O(name) (the acknowledgement is stored under it, in Asterisk's AstDB as C(pycall_ack/<name>),
        which survives Asterisk restarts). Spooling a new file of that name forgets an older acknowledgement.
      - Reading the acknowledgement uses C(asterisk -rx), so the module must run as root or as Asterisk's user,
        with Asterisk running; no AMI credentials are needed.
      - With O(wait=true) the module returns as soon as the call is acknowledged (RV(status) may still be
        V(in_progress) then) or has ended.
      - The options apply to every entry of O(calls).
    type: bool
    default: false
    version_added: 0.2.0
  page_message:
    description:
      - What the callee hears, with O(acknowledge=true).
      - Named C(page_message) because Ansible reserves C(message) for itself. It reaches the dialplan only as the value of a channel
        variable, never as dialplan or shell text.
      - With a TTS engine set up by the role (C(asterisk_paging_tts=festival)) it is spoken, reduced to letters,
        digits, blanks and C(. ? !).
      - Without one, Asterisk's own sounds say "urgent", spell the C(ALERT_ID) variable (else the call's
        name) and say "press" and O(ack_digit); the message is then written to Asterisk's log. Never silence.
    type: str
    version_added: 0.2.0
  ack_digit:
    description:
      - The key that acknowledges, one of C(0-9), C(*) or C(#). Any other key does not acknowledge; the
        prompt is repeated. It is accepted at any moment, also while the message plays.
      - Defaults to V(1) when O(acknowledge=true).
    type: str
    version_added: 0.2.0
  ack_repeats:
    description:
      - How many times the message is played before the call ends unacknowledged, 1 to 20 (a wrong key
        also uses a round).
      - Defaults to V(3) when O(acknowledge=true).
    type: int
    version_added: 0.2.0
notes:
  - Asterisk's spooler keeps no time zones; the file's mtime is the due time, in whole seconds.
  - A past due time dials now.
  - Runs on the Asterisk host. Reads the spool once per run.
seealso:
  - module: pycall.asterisk.asterisk_callfile_info
  - name: Asterisk call files
    description: How Asterisk reads call files from its outgoing spool.
    link: https://docs.asterisk.org/Configuration/Interfaces/Asterisk-Call-Files-Spooling/
'''

EXAMPLES = r'''
- name: Call now and play hello-world (the classic pycall example)
  pycall.asterisk.asterisk_callfile:
    trunk_type: Local
    trunk_name: from-internal
    number: "18002223333"
    application: Playback
    data: hello-world

- name: The same call in one hour
  pycall.asterisk.asterisk_callfile:
    name: hello-in-an-hour
    trunk_type: Local
    trunk_name: from-internal
    number: "18002223333"
    application: Playback
    data: hello-world
    schedule: +1h

- name: The same call at a fixed date and time (an exact instant, whatever the host's zone)
  pycall.asterisk.asterisk_callfile:
    name: new-year-greeting
    channel: Local/18002223333@from-internal
    application: Playback
    data: hello-world
    schedule: "2027-01-01T00:00:00+01:00"

- name: A call file handed to Asterisk's user explicitly, running as that user (no root needed)
  pycall.asterisk.asterisk_callfile:
    channel: Local/18002223333@from-internal
    application: Playback
    data: hello-world
    owner: asterisk
  become: true
  become_user: asterisk

- name: Page the on-call engineer with the alert's id in a channel variable
  pycall.asterisk.asterisk_callfile:
    name: "page-{{ alert_id }}"
    channel: "PJSIP/{{ oncall_extension }}"
    callerid: '"Alerting" <5550100>'
    context: alert-announce
    extension: s
    variables:
      ALERT_ID: "{{ alert_id }}"
      ALERT_SUMMARY: "{{ alert_summary }}"
    max_retries: 2
    retry_time: 60
    wait_time: 30
  become: true

- name: Page the primary on-call and wait for the answer
  pycall.asterisk.asterisk_callfile:
    name: "page-{{ alert_id }}-primary"
    channel: "PJSIP/{{ primary_extension }}"
    context: alert-announce
    extension: s
    variables:
      ALERT_ID: "{{ alert_id }}"
    wait: true
    wait_timeout: 120
  register: primary
  become: true

- name: Page the secondary only if the primary did not answer
  pycall.asterisk.asterisk_callfile:
    name: "page-{{ alert_id }}-secondary"
    channel: "PJSIP/{{ secondary_extension }}"
    context: alert-announce
    extension: s
    variables:
      ALERT_ID: "{{ alert_id }}"
  when: primary.status != 'completed'
  become: true

- name: Wake-up roster, one call every 30 seconds, validated as a whole before anything is written
  pycall.asterisk.asterisk_callfile:
    name: wakeup-2026-12-24
    application: Playback
    data: hello-world
    schedule: "2026-12-24T06:30:00"
    spacing: 30
    calls:
      - channel: PJSIP/201
      - channel: PJSIP/202
      - channel: PJSIP/203
  become: true
  register: roster

- name: Which entries were spooled (each entry's name, call_file, status, phase, schedule, msg)
  ansible.builtin.debug:
    msg: "{{ roster.calls | selectattr('changed') | map(attribute='name') | list }}"

- name: Page and wait until the on-call engineer presses 1 (answering alone is not enough)
  pycall.asterisk.asterisk_callfile:
    name: "page-{{ alert_id }}-primary"
    channel: "PJSIP/{{ primary_extension }}"
    acknowledge: true
    page_message: "{{ alert_summary }}"
    variables:
      ALERT_ID: "{{ alert_id }}"
    ack_repeats: 3
    wait: true
    wait_timeout: 120
  register: page
  become: true

- name: Cancel that page if it has not started dialling yet
  pycall.asterisk.asterisk_callfile:
    name: "page-{{ alert_id }}"
    state: absent
  become: true
'''

RETURN = r'''
name:
  description: The call's name (given or derived from its content).
  returned: when O(calls) is not given
  type: str
  sample: page-4711
call_file:
  description:
    - The call file that represents the call, in the spool or in the archive, if any.
    - Named C(<name>.<digest>.call); the digest covers content and due time.
  returned: when O(calls) is not given
  type: str
  sample: /var/spool/asterisk/outgoing/page-4711.3f2c9a7b1d0e4f68.call
status:
  description:
    - The call's state after the run.
    - C(pending) (queued, waiting for its due time), C(in_progress) (Asterisk is dialling, waiting to
      retry or stuck; RV(phase) tells which), C(completed) (answered), C(failed), C(expired) (retries used up)
      or C(absent).
    - With O(wait=true) also C(vanished), as soon as the call's file left the spool without an outcome
      (another run cancelled it with O(state=absent) before Asterisk dialled it, or Asterisk dropped it);
      RV(timed_out) is then false. The C(pycall.asterisk.page_escalation) runbook takes that as a
      withdrawn page and escalates no further.
  returned: when O(calls) is not given
  type: str
  sample: pending
schedule:
  description: When the call is due.
  returned: when O(calls) is not given
  type: dict
  contains:
    epoch:
      description: Due time in epoch seconds.
      type: int
      sample: 1798101000
    iso_utc:
      description: Due time in ISO 8601, UTC.
      type: str
      sample: "2026-12-24T08:30:00Z"
    absolute:
      description: Whether the schedule named a fixed instant (not now or a relative time).
      type: bool
      sample: true
content:
  description: The call file's text as wanted by this task, with the values of O(secret_variables) shown as C(********).
  returned: when O(calls) is not given
  type: str
  sample: "Channel: Local/18002223333@from-internal\nApplication: Playback\nData: hello-world\nArchive: yes\n"
cancelled:
  description: Pending call files of this name that were removed (replaced or cancelled).
  returned: when O(calls) is not given
  type: list
  elements: str
  sample: []
in_flight:
  description: Call files of this name that Asterisk is dialling (last retry note C(StartRetry)), or stuck ones left in place.
  returned: when O(calls) is not given
  type: list
  elements: str
  sample: []
phase:
  description:
    - What Asterisk is doing with the call's file RV(call_file), or with the file left alone on O(state=absent).
    - V(queued) (not dialled yet), V(dialing) (an attempt runs now), V(waiting) (between attempts; the file
      may be cancelled or replaced), V(stuck) (an attempt no running Asterisk will finish, because its Asterisk
      is gone or restarted under the same pid and only appends C(DelayedRetry)), V(finished) (archived), or null.
  returned: when O(calls) is not given
  type: str
  sample: queued
cancelled_waiting:
  description: The files in RV(cancelled) that were between two attempts; their remaining retries will not happen.
  returned: when O(calls) is not given
  type: list
  elements: str
  sample: []
stuck:
  description: Files of this name whose current attempt no running Asterisk will finish (see RV(phase)).
  returned: when O(calls) is not given
  type: list
  elements: str
  sample: []
attempts:
  description: Dial attempts as Asterisk counts them (its C(EndRetry) and C(AbortRetry) notes plus the attempt running or final).
  returned: when O(wait=true) and O(calls) is not given
  type: int
  sample: 1
timed_out:
  description: Whether O(wait_timeout) passed before Asterisk reported an outcome; RV(status) is then the last state seen.
  returned: when O(wait=true) and O(calls) is not given
  type: bool
  sample: false
calls:
  description: With O(calls), one result per entry, in the order of the entries.
  returned: when O(calls) is given
  type: list
  elements: dict
  contains:
    changed:
      description: Whether this entry changed the spool.
      type: bool
      sample: true
    name:
      description: As RV(name), for this entry.
      type: str
      sample: wakeup-2026-12-24-1
    call_file:
      description: As RV(call_file), for this entry.
      type: str
      sample: /var/spool/asterisk/outgoing/wakeup-2026-12-24-1.3f2c9a7b1d0e4f68.call
    status:
      description: As RV(status), for this entry.
      type: str
      sample: pending
    schedule:
      description: As RV(schedule), for this entry (with O(spacing) applied).
      type: dict
      sample: {"epoch": 1798101000, "iso_utc": "2026-12-24T08:30:00Z", "absolute": true}
    content:
      description: As RV(content), for this entry.
      returned: with O(detail=full)
      type: str
      sample: "Channel: PJSIP/201\nApplication: Playback\nData: hello-world\nArchive: yes\n"
    cancelled:
      description: As RV(cancelled), for this entry.
      returned: with O(detail=full)
      type: list
      elements: str
      sample: []
    in_flight:
      description: As RV(in_flight), for this entry.
      returned: with O(detail=full)
      type: list
      elements: str
      sample: []
    phase:
      description: As RV(phase), for this entry.
      type: str
      sample: queued
    cancelled_waiting:
      description: As RV(cancelled_waiting), for this entry.
      returned: with O(detail=full)
      type: list
      elements: str
      sample: []
    stuck:
      description: As RV(stuck), for this entry.
      returned: with O(detail=full)
      type: list
      elements: str
      sample: []
    attempts:
      description: As RV(attempts), for this entry.
      returned: when O(wait=true)
      type: int
      sample: 1
    timed_out:
      description: As RV(timed_out), for this entry.
      returned: when O(wait=true)
      type: bool
      sample: false
    acknowledged:
      description: As RV(acknowledged), for this entry.
      returned: when O(acknowledge=true)
      type: bool
      sample: false
    acknowledged_at:
      description: As RV(acknowledged_at), for this entry.
      returned: when O(acknowledge=true)
      type: dict
      sample: null
    msg:
      description: What the module did with this entry.
      type: str
      sample: spooled
acknowledged:
  description:
    - Whether the callee pressed O(ack_digit). V(false) for a call that was only answered
      (RV(status) V(completed)).
  returned: when O(acknowledge=true) and O(calls) is not given
  type: bool
  sample: true
acknowledged_at:
  description: When the callee acknowledged (epoch and ISO 8601 UTC), or null.
  returned: when O(acknowledge=true) and O(calls) is not given
  type: dict
  sample: {"epoch": 1798101012, "iso_utc": "2026-12-24T08:30:12Z"}
msg:
  description: What the module did (with O(calls), how many entries changed).
  returned: always
  type: str
  sample: spooled
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.argspec import module_kwargs
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import run_callfile_task


def main():
    module = AnsibleModule(**module_kwargs())
    run_callfile_task(module)


if __name__ == '__main__':
    main()
