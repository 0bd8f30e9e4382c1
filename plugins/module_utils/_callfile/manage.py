# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Named calls: spool one exactly once, change it, cancel it.

A named call may have several files over time, ``<name>.<digest>.call``,
where the digest covers content and due time.  Asterisk fixes a file's
due time when it first sees the name, so a changed call always gets a new
file and the old pending one is removed.  Files Asterisk is dialling
(their last retry note is StartRetry) are never touched; files between
attempts (last note EndRetry or AbortRetry) are cancelled or replaced.  The whole decision
runs under the spool lock, so concurrent runs cannot both spool.
"""

import hashlib
import os
import time
import uuid

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.found import (
    Found,
    call_filename,
    name_of,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.schedule import iso_utc, resolve_schedule
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.secrets import redact_variables
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import (
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_MODE,
    check_archive_path,
    check_filename,
    clean_staging,
    remove_callfile,
    resolve_ownership,
    scan,
    spool_lock,
    SpoolBatch,
)


# A call's file is <name>.<16 hex digits>.call, and a file name may have 200 characters.
MAX_NAME_LENGTH = 200 - len('.0123456789abcdef.call')


def derive_name(spec, secret_names=()):
    """A name from the call's content, so the same call is not spooled twice.

    The values of secret variables are not hashed (their lines are, with
    the value masked): a name or a digest anyone can read must not let
    them recover a short secret by trying every value.
    """
    text = redact_variables(spec.render(), frozenset(secret_names))
    return 'call-%s' % hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]


class CallRequest:
    """What the user wants: a named call, due at a time."""

    def __init__(self, spec, name=None, schedule=None, now=None, offset=0, secret_names=()):
        self.spec = spec
        self.secret_names = frozenset(secret_names)
        # Variables the task declares in clear: the only ones a spooled file may show.
        self.plain_names = frozenset(name for name, _value in spec.variables) - self.secret_names
        self.name = check_filename(name, 'name') if name is not None else derive_name(spec, self.secret_names)
        if len(self.name) > MAX_NAME_LENGTH:
            # Refused here, not only when the file is written, so that check mode tells the truth.
            raise ValidationError('name', 'must be at most %d characters (the call file adds a digest and .call)'
                                  % MAX_NAME_LENGTH, name)
        self.text = spec.render()
        # What may be shown and hashed: the text with secret values masked.
        self.public_text = redact_variables(self.text, self.secret_names)
        self.now = time.time() if now is None else now
        self.requested, self.absolute = resolve_schedule(schedule, now=self.now, clamp=False)
        # Spacing within a batch shifts each call from the common schedule.
        self.requested += offset
        # A fixed time keeps one file name even once it has passed.
        self.due = max(self.requested, int(self.now))
        # The digest covers the public text only: secret values never reach a file name.
        self.filename = call_filename(self.name, self.public_text, self.requested)

    def matches(self, found):
        if self.absolute:
            # The file name fixes the due time; a rotated secret leaves it as it was.
            return found.file.name == self.filename and found.same_call(self.spec)
        return found.same_call(self.spec)

    def shown(self, text):
        """A spooled file's text as a result may show it: only this task's plain variables in clear."""
        return redact_variables(text, None, keep=self.plain_names)


# A call's file is <name>.<16 hex digits>.call: its name is all but the last 22 characters.
_NAME_TAIL = len('.0123456789abcdef.call')


def find_calls(paths, names, asterisk=None):
    """Every file of the named calls in outgoing and outgoing_done: one scan."""
    def match(filename):
        # The slice lookup first: an archive of 100,000 files costs one set lookup per entry
        # (name_of only confirms the few that can match), so a growing archive costs little.
        return filename[:-_NAME_TAIL] in names and name_of(filename) in names
    return [Found(f, asterisk) for f in scan(paths, match=match)]


def _result(request, status, path, changed, msg, cancelled, in_flight, before, calls=(), phase=None):
    waiting = [c.file.path for c in calls if c.phase == 'waiting']
    return {
        'phase': phase,
        'cancelled_waiting': [path for path in cancelled if path in waiting],
        'stuck': [c.file.path for c in calls if c.phase == 'stuck'],
        'changed': changed,
        'name': request.name,
        'status': status,
        'call_file': path,
        'content': request.public_text,
        'schedule': {'epoch': request.due, 'iso_utc': iso_utc(request.due), 'absolute': request.absolute},
        'cancelled': cancelled,
        'in_flight': in_flight,
        'msg': msg,
        'diff': {'before': request.shown(before), 'after': request.public_text if status != 'absent' else '',
                 'before_header': path or request.name, 'after_header': path or request.name},
    }


def _ensure_one(paths, request, calls, state, force, batch, check_mode):
    # Queued and waiting files are Asterisk's to pick up later: deleting one
    # cancels it silently.  A dialling file (last note StartRetry) is never
    # touched; a stuck one only by state=absent with force.
    pending = [c for c in calls if c.cancellable]
    dialing = [c for c in calls if c.file.location == 'outgoing' and c.phase in ('dialing', 'stuck')]
    in_flight = [c.file.path for c in dialing]
    finished = [c for c in calls if c.file.location == 'done' and request.matches(c)]
    before = pending[0].file.text if pending else ''
    if state == 'absent':
        doomed = pending + ([c for c in dialing if c.phase == 'stuck'] if force else [])
        cancelled = [c.file.path for c in doomed]
        if not check_mode:
            for path in cancelled:
                remove_callfile(path)
        left = [path for path in in_flight if path not in cancelled]
        status = 'in_progress' if left else 'absent'
        waiting = sum(1 for c in doomed if c.phase == 'waiting')
        if cancelled:
            msg = 'cancelled %d file(s)' % len(cancelled)
            if waiting:
                msg += ' (%d between attempts: no further attempt)' % waiting
        else:
            msg = 'no pending call of that name'
        if left:
            msg += '; %d file(s) Asterisk is dialling left alone' % len(left)
            if any(c.phase == 'stuck' and c.file.path in left for c in dialing):
                msg += ' (stuck ones are removed with force=true)'
        phase = dialing[0].phase if left else None
        result = _result(request, status, None, bool(cancelled), msg, cancelled, left, before, calls, phase)
        result['diff']['after'] = ''
        return result
    same = [c for c in pending if request.matches(c)]
    if same and not force:
        keep = same[0]
        stale = [c.file.path for c in pending if c is not keep]
        if not check_mode:
            for path in stale:
                remove_callfile(path)
        msg = 'call already pending' if keep.phase == 'queued' else 'call is between attempts; left to retry'
        return _result(request, keep.state, keep.file.path, bool(stale), msg,
                       stale, in_flight, keep.file.text, calls, keep.phase)
    if not force:
        if in_flight:
            return _result(request, 'in_progress', in_flight[0], False,
                           'a call of that name is in flight (Asterisk is dialling it); it is left alone (use force to spool another)',
                           [], in_flight, before, calls, dialing[0].phase)
        if finished:
            done = finished[-1]
            return _result(request, done.state, done.file.path, False,
                           'call already ran (%s); use force to place it again' % done.state,
                           [], in_flight, before, calls, 'finished')
    cancelled = [c.file.path for c in pending]
    target = request.filename
    if calls:
        # A repeat (force) must not reuse a name whose archived outcome
        # would then be overwritten and read as this call's.
        target = call_filename(request.name, request.public_text, request.requested, salt=uuid.uuid4().hex)
    path = os.path.join(paths.outgoing, target)
    if not check_mode:
        # Staged now; the old files go and the new one appears when the batch commits.
        path = batch.add(target, request.text, request.due, replaces=cancelled)
    msg = 'spooled' if not cancelled else 'rescheduled (old file cancelled before its next attempt)'
    return _result(request, 'pending', path, True, msg, cancelled, in_flight, before, calls, 'queued')


def ensure_calls(paths, requests, state='present', force=False, owner=None, group=None, mode=DEFAULT_MODE,
                 check_mode=False, asterisk=None, lock_timeout=DEFAULT_LOCK_TIMEOUT):
    """Bring each named call to ``state``: one lock, one scan, a result per call.

    The requests are already validated (building them is the validation),
    so a batch either fails before anything is written or is spooled whole.
    """
    names = [request.name for request in requests]
    if len(set(names)) != len(names):
        duplicate = sorted(set(n for n in names if names.count(n) > 1))[0]
        raise ValidationError('name', 'must be unique within one task (%s is repeated)' % duplicate, duplicate)
    for request in requests:
        # Before the lock and in check mode too, so check mode predicts the real run.
        check_archive_path(paths, request.filename)
    uid, gid = resolve_ownership(paths, owner=owner, group=group)
    wanted = set(names)
    # Check mode takes the lock too (it creates nothing), so what it reads is what a real run would.
    with spool_lock(paths, timeout=lock_timeout):
        if not check_mode:
            clean_staging(paths)
        by_name = {}
        for found in find_calls(paths, wanted, asterisk):
            by_name.setdefault(name_of(found.file.name), []).append(found)
        batch = SpoolBatch(paths, uid=uid, gid=gid, mode=mode)
        try:
            results = [_ensure_one(paths, request, by_name.get(request.name, []), state, force, batch, check_mode)
                       for request in requests]
            batch.commit()
        finally:
            batch.close()
        return results


def ensure_call(paths, request, **kwargs):
    """Bring one named call to ``state``; returns a result dict (see the module's RETURN)."""
    return ensure_calls(paths, [request], **kwargs)[0]
