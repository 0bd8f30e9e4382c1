# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Listing the spool at scale: filters, a compact result per call, a summary.

An archive may hold tens of thousands of calls.  Handing every parsed field
of each through Ansible costs seconds (the result, not the reading, is the
expensive part), so the default result per call is what a runbook decides
on: name, status, phase, acknowledgement, times, attempts, every value a
scalar (Ansible's cost grows with the objects it carries: a nested time per
entry costs more than the rest of the entry).  The full description
(report.describe) is there on request.  Filters by
name (exact or glob), status and last activity are applied while the
directories are read once, and names before any file is opened.
"""

import fnmatch
import re
import time

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.found import Found, call_name
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.report import STATES, describe, outline
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.schedule import resolve_schedule
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import scan

DETAILS = ('compact', 'full')
# What a runbook needs of each call; the rest of describe() comes with detail=full.
# A queued call's mtime is its due time and a waiting call's its next attempt, so
# schedule and next_retry would only restate mtime_epoch.
COMPACT_KEYS = ('name', 'status', 'phase', 'acknowledged', 'acknowledged_at_epoch',
                'mtime_epoch', 'attempts', 'max_attempts')
# Call names never contain these (check_filename), so a name with one is a pattern.
_GLOB_CHARS = re.compile(r'[*?\[]')
_AGO = re.compile(r'^-\s*(\d+)\s*([smhd])$')
_UNIT_SECONDS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400}


def name_filter(patterns):
    """A predicate on file names for ``patterns`` (exact names and globs), or None for all.

    An exact name also matches a file name without ``.call`` (files not written by this collection).
    """
    if not patterns:
        return None
    exact = set(p for p in patterns if not _GLOB_CHARS.search(p))
    globs = [p for p in patterns if _GLOB_CHARS.search(p)]

    def match(filename):
        name = call_name(filename)
        if name in exact or (filename[:-5] if filename.endswith('.call') else filename) in exact:
            return True
        # Patterns see the call's name only, so '*-primary' cannot reach into a digest.
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in globs)
    return match


def parse_since(value, now=None):
    """Epoch seconds for ``since``: a time as for schedule, or a relative past ``-N[smhd]``."""
    if value is None:
        return None
    now = time.time() if now is None else now
    if isinstance(value, str):
        ago = _AGO.match(value.strip())
        if ago:
            return now - int(ago.group(1)) * _UNIT_SECONDS[ago.group(2)]
        if value.strip().startswith('+'):
            raise ValidationError('since', "must be a time in the past: a date and time, epoch seconds or '-N' "
                                           "with unit s, m, h or d (e.g. '-1h')", value)
    return resolve_schedule(value, now=now, field='since', clamp=False)[0]


def _as_asterisk_reads(raw):
    """Raw fields without the ones Asterisk ignores (as parse_callfile drops them), so a page is told alike."""
    if 'application' in raw:
        return dict((k, v) for k, v in raw.items() if k not in ('context', 'extension', 'priority'))
    return raw


def summarize(calls):
    """Counts per status (every status, zeros included), acknowledged pages and the total."""
    counts = dict((state, 0) for state in STATES)
    acknowledged = 0
    for call in calls:
        counts[call['status']] = counts.get(call['status'], 0) + 1
        acknowledged += 1 if call.get('acknowledged') else 0
    counts.update(total=len(calls), acknowledged=acknowledged)
    return counts


def _compact_entry(found, light):
    """The outline of one call plus the fields is_page reads (list_spool keeps COMPACT_KEYS)."""
    record = found.record
    entry = outline(found)
    entry['fields'] = None
    if record is not None:
        if record.spec is not None:
            entry['fields'] = record.spec.as_dict()
        elif light:
            # An unvalidated archived file: read its fields as Asterisk would, so a page is told alike.
            entry['fields'] = _as_asterisk_reads(record.raw_fields)
        else:
            entry['fields'] = record.raw_fields
    return entry


def list_spool(paths, names=None, statuses=None, since=None, detail='compact', asterisk=None, annotate=None,
               show_variables=False):
    """``(calls, summary)``: the matching calls, oldest first, shaped by ``detail``.

    ``since`` (epoch) keeps calls whose file changed at or after it (Asterisk
    touches a file at each attempt and when it archives it; a pending call's
    mtime is its due time); files whose time cannot be read are kept.
    ``annotate`` adds the acknowledgement to the described calls (it needs
    their fields, so it runs before the result is made compact).  Variable
    values are masked unless ``show_variables`` (see describe()).
    """
    if detail not in DETAILS:
        raise ValidationError('detail', 'must be one of %s' % ', '.join(DETAILS), detail)
    unknown = sorted(set(statuses or ()) - set(STATES))
    if unknown:
        raise ValidationError('status', 'must be among %s' % ', '.join(STATES), unknown[0])
    wanted = set(statuses) if statuses else None
    brief = detail == 'compact'
    found_calls = []
    for spooled in scan(paths, match=name_filter(names)):
        if since is not None and spooled.mtime is not None and spooled.mtime < since:
            continue
        # An archived file's outcome is its Status and Asterisk's notes: the compact result
        # needs no validated call for it, which halves the time over a large archive.
        light = brief and spooled.location == 'done'
        found = Found(spooled, asterisk, validate=not light)
        if wanted is not None and found.state not in wanted:
            continue
        call = _compact_entry(found, light) if brief else describe(found, show_variables)
        found_calls.append((spooled.mtime or 0, spooled.path, call))
    found_calls.sort(key=lambda item: item[:2])
    calls = [call for _mtime, _path, call in found_calls]
    if annotate is not None:
        annotate(calls)
    for call in calls:
        call['acknowledged_at_epoch'] = (call.get('acknowledged_at') or {}).get('epoch')
    if brief:
        # Only the compact keys leave: fields served annotate, acknowledged_at restates the epoch.
        calls = [dict((key, call.get(key)) for key in COMPACT_KEYS) for call in calls]
    return calls, summarize(calls)
