# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call a file asks Asterisk to place: every key Asterisk 22 reads.

``CallSpec`` validates on construction, renders to call-file text and is
rebuilt from text by ``parse_callfile``, which also collects the lines
Asterisk appends (StartRetry, EndRetry, Status) into a ``CallRecord``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_syntax import (
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


def check_callerid(value, field='callerid'):
    """Caller id text whose name and number each fit Asterisk's 80-byte buffers.

    Asterisk cuts ``"Name" <number>`` at the last ``<...>``; without one the
    whole value is the name or the number.  Measuring the raw parts is an
    upper bound of what Asterisk keeps after removing quotes and blanks.
    """
    check_text(field, value)
    start, end = value.rfind('<'), value.rfind('>')
    parts = (value[:start], value[start + 1:end]) if 0 <= start < end else (value,)
    if any(_utf8_len(part) > MAX_CALLERID_PART for part in parts):
        raise ValidationError(field, 'name and number must each be at most %d bytes (UTF-8); Asterisk cuts longer ones'
                              % MAX_CALLERID_PART, value)
    return value


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
                 always_delete=None, archive=None, early_media=None):
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
            if context is None:
                raise ValidationError('context', 'is required with extension', None)
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
        self.callerid = None if callerid is None else check_callerid(callerid)
        self.wait_time = None if wait_time is None else _check_int('wait_time', wait_time, 1, MAX_WAIT_TIME)
        self.retry_time = None if retry_time is None else _check_int('retry_time', retry_time, 1)
        self.max_retries = None if max_retries is None else _check_int('max_retries', max_retries, 0)
        self.account = None if account is None else check_text('account', account)
        self.variables = [check_variable(name, value) for name, value in _variable_items(variables)]
        if codecs is None:
            codecs = []
        if isinstance(codecs, str):
            codecs = [codecs]
        self.codecs = [check_text('codecs', codec) for codec in codecs]
        for codec in self.codecs:
            if any(char.isspace() for char in codec):
                raise ValidationError('codecs', 'a codec entry must not contain blanks', codec)
        self.always_delete = None if always_delete is None else _check_bool('always_delete', always_delete)
        self.archive = None if archive is None else _check_bool('archive', archive)
        self.early_media = None if early_media is None else _check_bool('early_media', early_media)
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
    """One dial attempt Asterisk recorded in the file."""

    def __init__(self, pid, number, started):
        self.pid = pid
        self.number = number
        self.started = started
        self.ended = None

    def as_dict(self):
        return {'pid': self.pid, 'number': self.number, 'started': self.started, 'ended': self.ended}


class CallRecord:
    """A call file read back: the call, Asterisk's notes on it, and oddities."""

    def __init__(self, spec, attempts, status, unknown, errors, raw_fields):
        self.spec = spec
        self.attempts = attempts
        self.status = status
        self.unknown = unknown
        self.errors = errors
        self.raw_fields = raw_fields

    @property
    def in_flight(self):
        """Asterisk started dialling this file (it carries a StartRetry line)."""
        return bool(self.attempts)


_RETRY_NOTE = re.compile(r'^(\d+)\s+(\d+)\s+\((\d+)\)$')


def _true(value):
    return value.lower() in _TRUE_WORDS


def parse_callfile(text):
    """Read call-file text back into a CallRecord, the way Asterisk reads it.

    ``spec`` is None when the file does not describe a valid call (for
    example a file not written by this library); ``errors`` then says why.
    """
    fields = {}
    variables = []
    codecs = []
    attempts = []
    status = None
    unknown = []
    errors = []
    for key, value in parse_lines(text):
        if key is None:
            errors.append('unparsable line: %r' % (value,))
        elif key == 'channel':
            fields['channel'] = value
        elif key == 'callerid':
            fields['callerid'] = value
        elif key in ('waittime', 'retrytime', 'maxretries', 'priority'):
            target = {'waittime': 'wait_time', 'retrytime': 'retry_time', 'maxretries': 'max_retries', 'priority': 'priority'}[key]
            fields[target] = int(value) if re.match(r'^-?[0-9]+$', value) else value
        elif key in ('account', 'application', 'data', 'context', 'extension'):
            fields[key] = value
        elif key in ('set', 'setvar'):
            name, sep, var_value = value.partition('=')
            if sep:
                variables.append((name, var_value))
            else:
                errors.append('Set without =: %r' % (value,))
        elif key == 'codecs':
            codecs.append(value)
        elif key in ('alwaysdelete', 'archive', 'early_media'):
            fields[{'alwaysdelete': 'always_delete'}.get(key, key)] = _true(value)
        elif key == 'startretry':
            match = _RETRY_NOTE.match(value)
            if match:
                attempts.append(Attempt(int(match.group(1)), int(match.group(2)), int(match.group(3))))
            else:
                errors.append('unreadable StartRetry: %r' % (value,))
        elif key == 'endretry':
            match = _RETRY_NOTE.match(value)
            if match and attempts:
                attempts[-1].ended = int(match.group(3))
        elif key == 'status':
            status = value
        elif key in ASTERISK_OWNED_KEYS:
            continue
        else:
            unknown.append((key, value))
    raw_fields = dict(fields, variables=list(variables), codecs=list(codecs))
    spec = None
    if 'channel' not in fields:
        errors.append('no Channel line')
    else:
        if 'application' in fields:
            # Asterisk prefers Application when both are present.
            for ignored in ('context', 'extension', 'priority'):
                fields.pop(ignored, None)
        try:
            spec = CallSpec(variables=variables, codecs=codecs, **fields)
        except ValidationError as exc:
            errors.append(str(exc))
    return CallRecord(spec, attempts, status, unknown, errors, raw_fields)
