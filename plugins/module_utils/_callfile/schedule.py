# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""When to dial: every accepted form becomes whole epoch seconds.

Asterisk schedules a call file by its mtime and knows no time zones, so
the only correct representation is an absolute instant.  Aware datetimes
and epoch numbers are exact; a naive datetime (or an ISO 8601 string
without offset) means the spooling host's local time, which is where the
spooler's clock runs.
"""

import datetime
import math
import re
import time

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ScheduleError

_RELATIVE = re.compile(r'^\+\s*(\d+)\s*([smhd])$')
_UNIT_SECONDS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400}
_EPOCH = re.compile(r'^[0-9]+(\.[0-9]+)?$')
# fromisoformat() before Python 3.11 only takes what isoformat() writes;
# accept the common extended forms users type, with Z or +HH:MM / +HHMM.
_ISO = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?)?'
    r'\s*(Z|[+-]\d{2}(?::?\d{2})?)?$', re.IGNORECASE)


def _local_epoch(naive):
    # timestamp() reads a naive value with the host's zone rules, DST
    # included, which is the clock the spooler compares against.
    return naive.timestamp()


def _from_datetime(when):
    if when.tzinfo is not None and when.utcoffset() is not None:
        return when.timestamp()
    return _local_epoch(when)


def _parse_iso(text, field):
    match = _ISO.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        micro = int((fraction or '0').ljust(6, '0'))
        when = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                 int(second or 0), micro)
    except ValueError as exc:
        raise ScheduleError(field, 'is not a valid date and time (%s)' % exc, text)
    if zone:
        if zone.upper() == 'Z':
            offset = datetime.timedelta(0)
        else:
            sign = -1 if zone[0] == '-' else 1
            digits = zone[1:].replace(':', '')
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if hours > 23 or minutes > 59:
                raise ScheduleError(field, 'has an invalid UTC offset %r' % zone, text)
            offset = sign * datetime.timedelta(hours=hours, minutes=minutes)
        when = when.replace(tzinfo=datetime.timezone(offset))
    return _from_datetime(when)


# The last second a signed 32-bit time_t holds, where Asterisk keeps due times.
LAST_DUE = 2 ** 31 - 1


def resolve_schedule(when, now=None, field='schedule', clamp=True):
    """Return ``(due_epoch, absolute)`` for a requested dial time.

    ``when`` may be None (now), a datetime, epoch seconds (int, float or a
    numeric string), an ISO 8601 string with or without offset, or a
    relative ``+30s``/``+5m``/``+2h``/``+1d``.  ``absolute`` tells whether
    the caller named a fixed instant (idempotency compares those exactly)
    or a moment relative to the run.  A time in the past means now, unless
    ``clamp`` is false: then the requested instant itself is returned.
    """
    now = time.time() if now is None else now
    absolute = True
    # "Now" is the current second: Asterisk dials a file whose mtime is not in the future at
    # once, and rounding now up would make an immediate call wait for the next second.
    if when is None:
        epoch, absolute = math.floor(now), False
    elif isinstance(when, bool):
        raise ScheduleError(field, 'must be a date and time, epoch seconds or +N[smhd], not a boolean', when)
    elif isinstance(when, datetime.datetime):
        epoch = _from_datetime(when)
    elif isinstance(when, datetime.date):
        epoch = _from_datetime(datetime.datetime(when.year, when.month, when.day))
    elif isinstance(when, (int, float)):
        epoch = float(when)
    elif isinstance(when, str):
        text = when.strip()
        relative = _RELATIVE.match(text)
        if text.lower() == 'now' or text == '':
            epoch, absolute = math.floor(now), False
        elif relative:
            epoch, absolute = now + int(relative.group(1)) * _UNIT_SECONDS[relative.group(2)], False
        elif _EPOCH.match(text):
            epoch = float(text)
        else:
            epoch = _parse_iso(text, field)
            if epoch is None:
                raise ScheduleError(field, "must be ISO 8601 (e.g. '2026-12-24T09:30:00+01:00'), epoch seconds, "
                                           "'now' or relative '+N' with unit s, m, h or d", when)
    else:
        raise ScheduleError(field, 'must be a datetime, epoch seconds or a string, not %s' % type(when).__name__, when)
    if math.isnan(epoch) or math.isinf(epoch):
        raise ScheduleError(field, 'must be a finite time', when)
    # Asterisk compares whole seconds; rounding up never dials early.
    due = int(math.ceil(epoch))
    if clamp:
        due = max(due, int(math.floor(now)))
    if due > LAST_DUE:
        raise ScheduleError(field, 'must be at most 2038-01-19T03:14:07Z: Asterisk keeps the due time in a C int, '
                                   'which wraps negative after it, and dials such a call at once', when)
    return due, absolute


def iso_utc(epoch):
    """``epoch`` as ISO 8601 UTC text, or None when no calendar date can hold it.

    Epochs come from file times, which the spool's owner sets at will: a
    year past 9999 (tmpfs and btrfs keep one) is written with more digits,
    where datetime would raise.
    """
    try:
        parts = time.gmtime(epoch)
    except (OverflowError, OSError, ValueError):
        return None
    return '%04d-%02d-%02dT%02d:%02d:%02dZ' % parts[:6]
