# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""What became of spooled calls, told from the files Asterisk keeps.

Asterisk records its work in the call file itself: a StartRetry line per
attempt (dated start + RetryTime), EndRetry with the real end after a
failed attempt (the mtime then is the next attempt), AbortRetry when a
later Asterisk finds an attempt interrupted, and with Archive the
finished file moves to ``outgoing_done`` with a final Status line (the
last attempt gets no EndRetry).
"""

import os
import time

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.found import call_name
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import parse_callfile
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.safeio import read_text_at
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.schedule import iso_utc
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.secrets import MASK

STATES = ('pending', 'in_progress', 'completed', 'failed', 'expired', 'unknown')


def _stamp(epoch):
    if epoch is None:
        return None
    return {'epoch': epoch, 'iso_utc': iso_utc(epoch)}


def _redacted_fields(fields):
    """Parsed fields with every variable's value masked (a file does not say which were secret)."""
    fields = dict(fields)
    variables = fields.get('variables')
    if isinstance(variables, dict):
        fields['variables'] = dict((name, MASK) for name in variables)
    elif isinstance(variables, list):
        fields['variables'] = [(name, MASK) for name, _value in variables]
    return fields


def _redacted_error(error):
    # Parse errors quote the offending line, which may be a Set line.
    for prefix in ('Set without =: ', 'unparsable line: '):
        if error.startswith(prefix):
            return prefix + '(not shown: it may hold a variable value; show_variables=true shows it)'
    return error


def outline(found):
    """What every description of a call starts with: its name, state, phase, file time and attempts."""
    record = found.record
    return {
        'name': call_name(found.file.name),
        'status': found.state,
        'phase': found.phase,
        'mtime_epoch': found.file.mtime,
        'attempts': record.attempts_made if record is not None else 0,
        'max_attempts': record.max_retries + 1 if record is not None else None,
    }


def describe(found, show_variables=False):
    """A plain dict for one spooled file (see asterisk_callfile_info's RETURN).

    Variable values are masked unless ``show_variables``: they are where
    secrets live, and a file does not say which of its variables were.
    """
    spooled, record = found.file, found.record
    out = outline(found)
    out.update({
        'call_file': spooled.path,
        'location': spooled.location,
        'stuck_reason': found.stuck_reason,
        'mtime': _stamp(spooled.mtime),
        'schedule': None,
        'next_retry': None,
        'attempts_left': None,
        'attempt_log': [],
        'fields': None,
        'errors': [],
    })
    if record is None:
        out['errors'] = [spooled.error or 'unreadable']
        return out
    spec = record.spec
    log = [a.as_dict() for a in record.attempts]
    if log and spooled.location == 'done' and log[-1]['outcome'] == 'running':
        # Asterisk notes no end for the last attempt; it appended Status when
        # it ended, which set the archived file's mtime.
        log[-1].update(outcome='final', ended=int(spooled.mtime) if spooled.mtime is not None else None)
    if log and found.phase == 'stuck':
        log[-1]['outcome'] = 'stuck'
    out.update(
        attempts_left=max(0, out['max_attempts'] - out['attempts']) if spooled.location == 'outgoing' else 0,
        attempt_log=log,
        fields=spec.as_dict() if spec is not None else record.raw_fields,
        errors=list(record.errors),
    )
    if not show_variables:
        out['fields'] = _redacted_fields(out['fields'])
        out['errors'] = [_redacted_error(error) for error in out['errors']]
    if found.phase == 'queued':
        out['schedule'] = _stamp(spooled.mtime)
    elif found.phase == 'waiting':
        # After EndRetry Asterisk set the mtime to end + RetryTime: the next attempt.
        out['next_retry'] = _stamp(spooled.mtime)
    # While dialling the mtime only says when Asterisk looks at the file
    # again (it appends DelayedRetry then); the next attempt, if this one
    # fails, is its end + RetryTime, unknown until it ends.
    return out


def wait_for_outcome(paths, call_file, timeout, poll=0.5, clock=time.time, sleep=time.sleep):
    """Block until Asterisk archives ``call_file`` with a Status, or ``timeout`` passes.

    Returns ``(status, record, timed_out)``; status is completed, failed or
    expired, or on time-out the state the call was last seen in (pending,
    in_progress).  A file that is neither queued nor archived is ``vanished``
    at once (not a time-out): it was cancelled (state=absent, a reschedule)
    or Asterisk dropped it, and no outcome will ever come.
    """
    filename = os.path.basename(call_file)
    deadline = clock() + timeout
    while True:
        record = _read(paths.done, filename, 'outgoing_done')
        if record is not None and record.status:
            return record.status.lower(), record, False
        queued_record = _read(paths.outgoing, filename, 'spool_dir')
        if queued_record is None and record is None and _gone(paths, filename):
            # Asterisk archives with rename(2) before it appends Status: a name
            # missing from outgoing/ that is not in outgoing_done/ either, looked
            # up after outgoing/, was removed rather than archived.  Something
            # else at the name (a FIFO, a symlink) is not "gone": it is waited
            # out like a file not there yet.
            return 'vanished', None, False
        if clock() >= deadline:
            if queued_record is not None:
                return ('in_progress' if queued_record.in_flight else 'pending'), queued_record, True
            return 'vanished', record, True
        sleep(poll)


def _gone(paths, filename):
    """Nothing at all at the name in outgoing/, then in outgoing_done/ (lstat only, nothing opened)."""
    return not os.path.lexists(os.path.join(paths.outgoing, filename)) and \
        not os.path.lexists(os.path.join(paths.done, filename))


def _read(directory, filename, label):
    # A FIFO, symlink, device or oversized file at the name reads as "not there yet":
    # never opened blocking, so the wait stays bounded by its timeout.
    text = read_text_at(directory, filename, label)
    return parse_callfile(text) if text is not None else None
