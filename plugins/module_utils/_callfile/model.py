# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""The call a file asks Asterisk to place: every key Asterisk 22 reads.

``CallSpec`` validates on construction, renders to call-file text and is
rebuilt from text by ``parse_callfile``, which also collects the lines
Asterisk appends (StartRetry, EndRetry, Status) into a ``CallRecord``.
"""

import re
import time

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.syntax import (
    check_text,
    parse_lines,
    render_line,
)

MAX_APPLICATION = 31
MAX_CONTEXT = 79
MAX_EXTENSION = 79
MAX_INT = 2 ** 31 - 1
# Asterisk keeps WaitTime in milliseconds, in a C int.
MAX_WAIT_TIME = MAX_INT // 1000
MAX_CALLERID_PART = 79
DEFAULT_RETRY_TIME = 300
DEFAULT_WAIT_TIME = 45
# The file mode bits Asterisk needs as the file's owner: read it, and write
# its retry notes (without them a failing call is redialled forever).
OWNER_READ_WRITE = 0o600

_TECH = re.compile(r'^[A-Za-z][A-Za-z0-9_-]*$')
_APPLICATION = re.compile(r'^[A-Za-z0-9_]+$')
_TRUE_WORDS = ('yes', 'true', 'y', 't', '1', 'on')

# Lines Asterisk itself appends; a writer must never produce them.
ASTERISK_OWNED_KEYS = ('startretry', 'endretry', 'abortretry', 'retry', 'delayedretry', 'status')


def _utf8_len(text):
    return len(text.encode('utf-8'))


def _check_int(field, value, minimum, maximum=None):
    # bool is an int subclass; True as a retry count is a mistake, not 1.
    maximum = MAX_INT if maximum is None else maximum
    rule = 'must be an integer from %d to %d' % (minimum, maximum)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and re.match(r'^[0-9]{1,12}$', value):
            value = int(value)
        else:
            raise ValidationError(field, rule, value)
    # Asterisk reads these into a C int; a larger number would wrap.
    if not minimum <= value <= maximum:
        raise ValidationError(field, rule, value)
    return value


def _check_bool(field, value):
    if not isinstance(value, bool):
        raise ValidationError(field, 'must be a boolean', value)
    return value


def check_channel(value, field='channel'):
    check_text(field, value)
    tech, sep, dest = value.partition('/')
    if not sep or not dest or not _TECH.match(tech):
        raise ValidationError(field, "must be 'Tech/destination', e.g. 'PJSIP/100' or 'Local/100@context'", value)
    if '&' in value:
        raise ValidationError(field, "must name one channel; '&' lists are not supported in call files", value)
    return value


# What Asterisk's ast_shrink_phone_number drops from a number (outside []).
_NUMBER_NOISE = re.compile(r'[ \t()\-]|\.(?!$)')
_PHONE_NUMBER = re.compile(r'^[0-9*#+]+$')


def _check_callerid_name(field, name, value):
    if '\\' in name:
        raise ValidationError(field, 'the name must not contain a backslash: Asterisk removes every one', value)
    if '"' in name:
        raise ValidationError(field, 'the name must not contain a double quote (only the pair around it)', value)
    if name != name.strip():
        raise ValidationError(field, 'the name must not have leading or trailing blanks: Asterisk trims them', value)
    if '<' in name or '>' in name:
        raise ValidationError(field, "the name must not contain '<' or '>'", value)


def _check_callerid_number(field, number, value):
    if _NUMBER_NOISE.search(number) or '[' in number or ']' in number or '<' in number or '>' in number:
        raise ValidationError(field, "the number must not contain blanks, '(', ')', '-', '[', ']' or a '.' before "
                                     "its end: Asterisk removes them", value)


def check_callerid(value, field='callerid', reading=False):
    """Caller id text that arrives as written: ``"Name" <number>``, ``<number>``, ``"Name"`` or a bare value.

    Asterisk splits at the last ``<...>``, strips the name's quotes and
    removes every backslash from it, shrinks the number (blanks, ``()``,
    ``-`` and inner dots go) and, without ``<>``, takes a value that shrinks
    to digits, ``*``, ``#`` and ``+`` as the number, anything else as the
    name.  Values it would change are refused; each part must fit the
    80-byte buffers Asterisk keeps them in.
    """
    check_text(field, value)
    if reading:
        return value
    start, end = value.rfind('<'), value.rfind('>')
    if 0 <= start < end:
        if value[end + 1:].strip():
            raise ValidationError(field, "must end with the '>' of '<number>'", value)
        name, number = value[:start].rstrip(), value[start + 1:end]
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1]
        _check_callerid_name(field, name, value)
        _check_callerid_number(field, number, value)
        parts = (name, number)
    elif len(value) >= 2 and value[0] == value[-1] == '"':
        # The quotes keep even a name of digits a name: they do not shrink away.
        name = value[1:-1]
        _check_callerid_name(field, name, value)
        parts = (name,)
    else:
        shrunk = _NUMBER_NOISE.sub('', value)
        if _PHONE_NUMBER.match(shrunk):
            if shrunk != value:
                raise ValidationError(field, 'Asterisk reads this bare value as the number %s (it drops blanks, '
                                             "'()', '-' and inner dots); write it so, or as '\"Name\" <number>'"
                                      % shrunk, value)
        else:
            _check_callerid_name(field, value, value)
        parts = (value,)
    if any(_utf8_len(part) > MAX_CALLERID_PART for part in parts):
        raise ValidationError(field, 'name and number must each be at most %d bytes (UTF-8); Asterisk cuts longer ones'
                              % MAX_CALLERID_PART, value)
    return value


def check_callerid_parts(name=None, number=None):
    """pycall's callerid_name/callerid_num as one Callerid value that arrives exactly."""
    if name is not None:
        check_text('callerid_name', name)
        _check_callerid_name('callerid_name', name, name)
        if _utf8_len(name) > MAX_CALLERID_PART:
            raise ValidationError('callerid_name', 'must be at most %d bytes (UTF-8)' % MAX_CALLERID_PART, name)
    if number is not None:
        check_text('callerid_num', number)
        _check_callerid_number('callerid_num', number, number)
        if _utf8_len(number) > MAX_CALLERID_PART:
            raise ValidationError('callerid_num', 'must be at most %d bytes (UTF-8)' % MAX_CALLERID_PART, number)
    if name is None and number is None:
        return None
    if number is None:
        return '"%s" <>' % name
    return '"%s" <%s>' % (name or '', number)


def check_mode(mode, field='mode'):
    """Refuse a file mode Asterisk, as the file's owner, cannot read and write."""
    if isinstance(mode, bool) or not isinstance(mode, int) or not 0 <= mode <= 0o7777:
        raise ValidationError(field, "must be a file mode such as 0o640 ('0640')", mode)
    if mode & OWNER_READ_WRITE != OWNER_READ_WRITE:
        raise ValidationError(field, 'must give the owner read and write (0o600): without read Asterisk deletes the '
                                     'call unread, without write a failing call is redialled forever and never '
                                     'gets a Status', oct(mode))
    return mode


def build_channel(trunk_type, trunk_name, number):
    """pycall 1.x's channel: Local/<number>@<trunk_name>, else Type/Name/Number."""
    check_text('trunk_type', trunk_type)
    check_text('trunk_name', trunk_name)
    check_text('number', number)
    if trunk_type.lower() == 'local':
        channel = '%s/%s@%s' % (trunk_type, number, trunk_name)
    else:
        channel = '%s/%s/%s' % (trunk_type, trunk_name, number)
    return check_channel(channel, 'trunk_type')


def _variable_items(variables):
    if variables is None:
        return []
    if isinstance(variables, dict):
        return list(variables.items())
    items = []
    for item in variables:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValidationError('variables', 'must be a mapping or a list of (name, value) pairs', item)
        items.append((item[0], item[1]))
    return items


def check_variable(name, value):
    if not isinstance(name, str) or not name:
        raise ValidationError('variables', 'a variable name must be a non-empty string', name)
    field = 'variables[%s]' % name
    check_text(field, name)
    if '=' in name:
        raise ValidationError(field, "a variable name must not contain '='", name)
    if any(char.isspace() for char in name):
        raise ValidationError(field, 'a variable name must not contain blanks', name)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValidationError(field, 'a variable value must be a string or a number', value)
    value = str(value)
    check_text(field, value, allow_empty=True, allow_leading_blank=True)
    return name, value


class CallSpec:
    """A validated call: who to dial, what to run when answered, how to retry."""

    def __init__(self, channel, application=None, data=None, context=None, extension=None,
                 priority=None, callerid=None, wait_time=None, retry_time=None,
                 max_retries=None, account=None, variables=None, codecs=None,
                 always_delete=None, archive=None, early_media=None, reading=False, now=None):
        # reading=True: a file read back, so forms Asterisk accepts but this
        # writer refuses (they would not do what the user meant) are kept.
        self.channel = check_channel(channel)
        if application is not None:
            if context is not None or extension is not None or priority is not None:
                raise ValidationError('application', 'is mutually exclusive with context, extension and priority', application)
            check_text('application', application)
            if len(application) > MAX_APPLICATION or not _APPLICATION.match(application):
                raise ValidationError('application', 'must be a dialplan application name: letters, digits and _ only, '
                                      'at most %d characters' % MAX_APPLICATION, application)
            if data is not None:
                check_text('data', data, allow_empty=True)
        else:
            if data is not None:
                raise ValidationError('data', 'requires application', data)
            if extension is None:
                raise ValidationError('application', 'either application or context + extension is required', None)
            # Without Context Asterisk runs the extension in the channel's own context.
            if context is not None:
                check_text('context', context)
                if _utf8_len(context) > MAX_CONTEXT:
                    raise ValidationError('context', 'must be at most %d bytes (UTF-8)' % MAX_CONTEXT, context)
            check_text('extension', extension)
            if _utf8_len(extension) > MAX_EXTENSION:
                raise ValidationError('extension', 'must be at most %d bytes (UTF-8)' % MAX_EXTENSION, extension)
            priority = 1 if priority is None else _check_int('priority', priority, 1)
        self.application = application
        self.data = data
        self.context = context
        self.extension = extension
        self.priority = priority
        self.callerid = None if callerid is None else check_callerid(callerid, reading=reading)
        self.wait_time = None if wait_time is None else _check_int('wait_time', wait_time, 1, MAX_WAIT_TIME)
        self.retry_time = None if retry_time is None else _check_int('retry_time', retry_time, 1)
        if self.retry_time is not None and not reading:
            now = time.time() if now is None else now
            if now + self.retry_time > MAX_INT:
                raise ValidationError('retry_time', 'now + retry_time must stay below 2^31 (2038-01-19T03:14:07Z): '
                                      'Asterisk keeps the retry time in a C int, which would wrap', self.retry_time)
        # MaxRetries + 1 attempts must fit Asterisk's C int too.
        self.max_retries = None if max_retries is None else _check_int('max_retries', max_retries, 0, MAX_INT - 1)
        self.account = None if account is None else check_text('account', account)
        self.variables = [check_variable(name, value) for name, value in _variable_items(variables)]
        if codecs is None:
            codecs = []
        if isinstance(codecs, str):
            codecs = [codecs]
        if not all(isinstance(codec, str) for codec in codecs):
            raise ValidationError('codecs', 'must be a list of strings', codecs)
        # Asterisk strips every entry, so 'ulaw, alaw' means 'ulaw,alaw': written so.
        self.codecs = [check_text('codecs', normalise_codecs(codec)) for codec in codecs]
        for codec in self.codecs:
            if any(char.isspace() for char in codec):
                raise ValidationError('codecs', 'a codec entry must not contain blanks', codec)
        self.always_delete = None if always_delete is None else _check_bool('always_delete', always_delete)
        self.archive = None if archive is None else _check_bool('archive', archive)
        self.early_media = None if early_media is None else _check_bool('early_media', early_media)
        if not reading:
            if self.early_media and self.application is not None:
                raise ValidationError('early_media', 'works only with context/extension calls: Asterisk ignores it '
                                      'for application calls', early_media)
            if self.always_delete is False:
                raise ValidationError('always_delete', 'false is refused: Asterisk then keeps the file in outgoing '
                                      'after the call (never deleted nor archived, so no outcome) and dials it '
                                      'again after every restart', always_delete)
        # Render once now so an over-long line fails before any disk work.
        self.render()

    def directives(self):
        """(key, value, field) triples in the order they are written."""
        out = [('Channel', self.channel, 'channel')]
        if self.callerid is not None:
            out.append(('Callerid', self.callerid, 'callerid'))
        for key, attr in (('WaitTime', 'wait_time'), ('MaxRetries', 'max_retries'), ('RetryTime', 'retry_time')):
            value = getattr(self, attr)
            if value is not None:
                out.append((key, str(value), attr))
        if self.account is not None:
            out.append(('Account', self.account, 'account'))
        if self.application is not None:
            out.append(('Application', self.application, 'application'))
            if self.data is not None:
                out.append(('Data', self.data, 'data'))
        else:
            if self.context is not None:
                out.append(('Context', self.context, 'context'))
            out.append(('Extension', self.extension, 'extension'))
            out.append(('Priority', str(self.priority), 'priority'))
        for name, value in self.variables:
            out.append(('Set', '%s=%s' % (name, value), 'variables[%s]' % name))
        for codec in self.codecs:
            out.append(('Codecs', codec, 'codecs'))
        for key, attr in (('AlwaysDelete', 'always_delete'), ('Archive', 'archive'), ('early_media', 'early_media')):
            value = getattr(self, attr)
            if value is not None:
                out.append((key, 'yes' if value else 'no', attr))
        return out

    def render(self):
        """The call file's text: one directive a line, LF-terminated."""
        return ''.join(render_line(key, value, field) + '\n' for key, value, field in self.directives())

    def as_dict(self):
        return {
            'channel': self.channel, 'callerid': self.callerid, 'wait_time': self.wait_time,
            'retry_time': self.retry_time, 'max_retries': self.max_retries, 'account': self.account,
            'application': self.application, 'data': self.data, 'context': self.context,
            'extension': self.extension, 'priority': self.priority,
            'variables': dict(self.variables), 'codecs': list(self.codecs),
            'always_delete': self.always_delete, 'archive': self.archive, 'early_media': self.early_media,
        }

    def __eq__(self, other):
        return isinstance(other, CallSpec) and self.directives() == other.directives()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.render())

    def __repr__(self):
        return 'CallSpec(%r)' % (self.as_dict(),)


class Attempt:
    """One dial attempt Asterisk recorded in the file.

    Asterisk's StartRetry line carries the time the attempt started plus
    RetryTime (the moment it would re-examine the file), not the start:
    ``noted`` keeps that raw value, ``started`` is the real start.
    """

    def __init__(self, pid, number, noted, started):
        self.pid = pid
        self.number = number
        self.noted = noted
        self.started = started
        self.ended = None
        # failed (EndRetry), aborted (AbortRetry: a later Asterisk found it
        # interrupted), running (last line, still in outgoing), final (the
        # last attempt of an archived file, whose end Asterisk never notes).
        self.outcome = 'running'
        self.aborted_at = None
        self.delayed = 0

    def as_dict(self):
        return {'pid': self.pid, 'number': self.number, 'started': self.started, 'ended': self.ended,
                'outcome': self.outcome, 'aborted_at': self.aborted_at, 'delayed_retries': self.delayed}


class CallRecord:
    """A call file read back: the call, Asterisk's notes on it, and oddities."""

    def __init__(self, spec, attempts, status, unknown, errors, raw_fields, retry_lines=None,
                 retry_time=DEFAULT_RETRY_TIME, wait_time=DEFAULT_WAIT_TIME, max_retries=0):
        self.spec = spec
        self.attempts = attempts
        self.status = status
        self.unknown = unknown
        self.errors = errors
        self.raw_fields = raw_fields
        # (key, pid, number, time) of every StartRetry/EndRetry/AbortRetry/Retry/DelayedRetry, in order.
        self.retry_lines = retry_lines or []
        self.retry_time = retry_time
        self.wait_time = wait_time
        self.max_retries = max_retries

    @property
    def in_flight(self):
        """Asterisk started dialling this file (it carries a StartRetry line)."""
        return bool(self.attempts)

    @property
    def last_retry_key(self):
        """startretry, endretry, abortretry, retry or None; DelayedRetry says nothing new."""
        for key, _pid, _number, _when in reversed(self.retry_lines):
            if key != 'delayedretry':
                return key
        return None

    @property
    def dialing(self):
        """The last note is StartRetry: an attempt runs (or its Asterisk died mid-call)."""
        return self.last_retry_key == 'startretry'

    @property
    def retries_counted(self):
        """What Asterisk counts against MaxRetries: EndRetry, AbortRetry and Retry lines."""
        return sum(1 for key, _p, _n, _w in self.retry_lines if key in ('endretry', 'abortretry', 'retry'))

    @property
    def attempts_made(self):
        """Attempts as Asterisk counts them: the ones it closed plus the one running."""
        return self.retries_counted + (1 if self.dialing else 0)

    def stuck_reason(self, asterisk):
        """Why the running attempt can never end, or None.

        ``asterisk`` is ``(pid, started_epoch)`` of the Asterisk running now
        (None: unknown, then nothing is claimed).  An attempt whose Asterisk
        is gone is only redialled by the next Asterisk start; one whose
        Asterisk restarted under the same pid gets DelayedRetry forever.
        """
        if not self.dialing or not self.attempts or asterisk is None:
            return None
        current = self.attempts[-1]
        pid, since = asterisk
        if pid is None:
            return 'Asterisk is not running; the attempt it started (pid %d) was interrupted' % current.pid
        if pid != current.pid:
            return ('the attempt was started by Asterisk pid %d, which is gone (running now: pid %d); '
                    'Asterisk redials it when it next rescans the file' % (current.pid, pid))
        if since is not None and current.started is not None and since > current.started + 1:
            return ('Asterisk restarted under the same pid %d after the attempt began: it will append '
                    'DelayedRetry forever and never dial or finish this call' % pid)
        return None

    def phase(self, location, asterisk=None):
        """queued, dialing, waiting, stuck (outgoing) or finished (archived)."""
        if location != 'outgoing':
            return 'finished'
        if self.dialing:
            return 'stuck' if self.stuck_reason(asterisk) else 'dialing'
        if self.retry_lines:
            return 'waiting'
        return 'queued'


_RETRY_NOTE = re.compile(r'^(\d+)\s+(\d+)\s+\((\d+)\)$')
_C_INT = re.compile(r'^[ \t\n\v\f\r]*([+-]?[0-9]+)')


def _true(value):
    return value.lower() in _TRUE_WORDS


def scan_int(value):
    """The integer C's sscanf("%d") takes from the front of ``value``, or None.

    Asterisk reads numbers so: ``+2`` is 2, ``30s`` is 30, ``x`` is nothing.
    """
    match = _C_INT.match(value)
    if not match:
        return None
    return int(match.group(1))


def normalise_codecs(value):
    """Blanks around ``,`` and ``|`` mean nothing to Asterisk (it strips entries)."""
    return re.sub(r'[ \t]*([,|])[ \t]*', r'\1', value)


# (key in the file, field, Asterisk's value for a missing or unreadable number)
_NUMBERS = (('waittime', 'wait_time', DEFAULT_WAIT_TIME, 1), ('retrytime', 'retry_time', DEFAULT_RETRY_TIME, 1),
            ('maxretries', 'max_retries', 0, None), ('priority', 'priority', 1, 1))
# Built once: parse_callfile runs for every file of a listing.
_NUMBER_KEYS = dict((key, (field, default, minimum)) for key, field, default, minimum in _NUMBERS)
_TEXT_KEYS = frozenset(('channel', 'callerid', 'account', 'application', 'data', 'context', 'extension'))
_BOOL_FIELDS = {'alwaysdelete': 'always_delete', 'archive': 'archive', 'early_media': 'early_media'}
_RETRY_KEYS = frozenset(('startretry', 'endretry', 'abortretry', 'retry', 'delayedretry'))


def parse_callfile(text, validate=True):
    """Read call-file text back into a CallRecord, the way Asterisk reads it.

    ``spec`` is None when the file does not describe a call Asterisk would
    place (for example a file not written by this library); ``errors`` then
    says why.  Numbers are read as Asterisk reads them (``30s`` is 30, an
    unreadable or too small one takes Asterisk's default).  With ``validate``
    false no CallSpec is built (``spec`` is None, no validation error is
    noted): Asterisk's notes, Status and the raw fields only, which is all an
    archived file's outcome needs and less than half the time.
    """
    fields = {}
    variables = []
    codecs = []
    notes = []
    status = None
    unknown = []
    errors = []
    for key, value in parse_lines(text):
        if key is None:
            errors.append('unparsable line: %r' % (value,))
        elif key in _TEXT_KEYS:
            fields[key] = value
        elif key in _NUMBER_KEYS:
            field, default, minimum = _NUMBER_KEYS[key]
            number = scan_int(value)
            if number is None or (minimum is not None and number < minimum):
                number = default
            fields[field] = number
        elif key in ('set', 'setvar'):
            name, sep, var_value = value.partition('=')
            if sep:
                variables.append((name, var_value))
            else:
                errors.append('Set without =: %r' % (value,))
        elif key == 'codecs':
            codecs.append(normalise_codecs(value))
        elif key in _BOOL_FIELDS:
            fields[_BOOL_FIELDS[key]] = _true(value)
        elif key in _RETRY_KEYS:
            match = _RETRY_NOTE.match(value)
            if match:
                notes.append((key, int(match.group(1)), int(match.group(2)), int(match.group(3))))
            elif key == 'startretry':
                errors.append('unreadable StartRetry: %r' % (value,))
            else:
                notes.append((key, None, None, None))
        elif key == 'status':
            status = value
        else:
            unknown.append((key, value))
    retry_time = fields.get('retry_time', DEFAULT_RETRY_TIME)
    attempts = []
    for key, pid, number, when in notes:
        if key == 'startretry':
            attempts.append(Attempt(pid, number, when, when - retry_time))
        elif not attempts or attempts[-1].outcome != 'running':
            continue
        elif key == 'endretry':
            attempts[-1].ended, attempts[-1].outcome = when, 'failed'
        elif key == 'abortretry':
            attempts[-1].aborted_at, attempts[-1].outcome = when, 'aborted'
        elif key == 'delayedretry':
            attempts[-1].delayed += 1
        else:
            attempts[-1].outcome = 'failed'
    raw_fields = dict(fields, variables=list(variables), codecs=list(codecs))
    spec = None
    if validate and 'channel' not in fields:
        errors.append('no Channel line')
    elif validate:
        if 'application' in fields:
            # Asterisk prefers Application when both are present.
            for ignored in ('context', 'extension', 'priority'):
                fields.pop(ignored, None)
        else:
            # Data belongs to an application; Asterisk ignores it otherwise.
            fields.pop('data', None)
        if 'application' not in fields and 'extension' not in fields:
            # Asterisk ignores Context and Priority of a file without Extension: it has no action.
            fields.pop('priority', None)
        try:
            spec = CallSpec(variables=variables, codecs=codecs, reading=True, **fields)
        except ValidationError as exc:
            errors.append(str(exc))
    return CallRecord(spec, attempts, status, unknown, errors, raw_fields, notes, retry_time,
                      fields.get('wait_time', DEFAULT_WAIT_TIME), fields.get('max_retries', 0))
