# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Acknowledged pages: answering is not acknowledging.

An acknowledged page is an ordinary Context/Extension call file that lands
in the dialplan the asterisk_paging role installs (context ``pycall-page``).
Everything the dialplan needs travels as channel variables (``Set:`` lines),
so no value is ever dialplan or shell text.  The dialplan records a key press
in AstDB, ``pycall_ack/<call name> = <epoch>``: AstDB is Asterisk's own
on-disk store (it survives restarts) and Asterisk's CLI reads it back as root
or as Asterisk's user, without AMI credentials and without us parsing its
SQLite file behind Asterisk's back.
"""

import os
import re
import shutil
import time

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import CallFileError, ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.schedule import iso_utc
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.syntax import check_text

PAGE_CONTEXT = 'pycall-page'
PAGE_EXTENSION = 's'
ASTDB_FAMILY = 'pycall_ack'
ACK_DIGITS = '0123456789*#'
DEFAULT_ACK_DIGIT = '1'
DEFAULT_ACK_REPEATS = 3
MAX_ACK_REPEATS = 20
PAGING_OPTIONS = ('acknowledge', 'page_message', 'ack_digit', 'ack_repeats')
# The channel variables the paging dialplan reads.
VARIABLES = ('PYCALL_PAGE', 'PYCALL_MESSAGE', 'PYCALL_SPELL', 'PYCALL_ACK_DIGIT', 'PYCALL_ACK_REPEATS')
# Spelled when no TTS engine speaks the message: the user's ALERT_ID, else the call's name.
SPELL_FROM = 'ALERT_ID'
CLI_TIMEOUT = 10
_VALUE = re.compile(r'^Value: (\d+)\s*$', re.M)


class AckReadError(CallFileError):
    """Asterisk's CLI could not be asked for an acknowledgement."""


def check_paging(params):
    """The paging options of ``params`` checked; (digit, repeats, message) or None without acknowledge."""
    if not params.get('acknowledge'):
        for key in ('page_message', 'ack_digit', 'ack_repeats'):
            if params.get(key) is not None:
                raise ValidationError(key, 'needs acknowledge=true')
        return None
    for key in ('application', 'data', 'context', 'extension', 'priority'):
        if params.get(key) is not None:
            raise ValidationError(key, 'cannot be combined with acknowledge (the page runs the %s context)'
                                  % PAGE_CONTEXT)
    digit = params.get('ack_digit')
    digit = DEFAULT_ACK_DIGIT if digit is None else digit
    if not isinstance(digit, str) or len(digit) != 1 or digit not in ACK_DIGITS:
        raise ValidationError('ack_digit', 'must be one key of 0-9, * or #', digit)
    repeats = params.get('ack_repeats')
    repeats = DEFAULT_ACK_REPEATS if repeats is None else repeats
    if isinstance(repeats, bool) or not isinstance(repeats, int) or not 1 <= repeats <= MAX_ACK_REPEATS:
        raise ValidationError('ack_repeats', 'must be an integer from 1 to %d' % MAX_ACK_REPEATS, repeats)
    message = params.get('page_message')
    if message is not None:
        if not isinstance(message, str):
            raise ValidationError('page_message', 'must be a string', message)
        check_text('page_message', message, allow_empty=True)
    return digit, repeats, message or ''


def page_params(params, name):
    """``params`` turned into an ordinary call to the paging context; unchanged without acknowledge.

    ``name`` is the call's name: the dialplan's AstDB key.  A call without a
    given name cannot be acknowledged by name, so a page needs one.
    """
    checked = check_paging(params)
    if checked is None:
        return params
    digit, repeats, message = checked
    if name is None:
        raise ValidationError('name', 'is required with acknowledge=true (the acknowledgement is stored under it)')
    variables = params.get('variables') or {}
    reserved = sorted(set(variables) & set(VARIABLES))
    if reserved:
        raise ValidationError('variables', 'must not set %s: acknowledge sets them' % ', '.join(reserved))
    spell = variables.get(SPELL_FROM)
    spell = name if spell is None or str(spell) == '' else str(spell)
    out = dict(params)
    out.update(context=PAGE_CONTEXT, extension=PAGE_EXTENSION, priority=1)
    out['variables'] = dict(variables)
    out['variables'].update([('PYCALL_PAGE', name), ('PYCALL_MESSAGE', message), ('PYCALL_SPELL', spell),
                             ('PYCALL_ACK_DIGIT', digit), ('PYCALL_ACK_REPEATS', str(repeats))])
    return out


def is_page(fields):
    """Whether parsed call-file fields (CallSpec.as_dict) describe an acknowledged page."""
    return bool(fields) and fields.get('context') == PAGE_CONTEXT and any(
        name == 'PYCALL_PAGE' for name, _value in _items(fields.get('variables')))


def _items(variables):
    if isinstance(variables, dict):
        return list(variables.items())
    return [tuple(item) for item in variables or []]


def parse_db_get(output):
    """The epoch of ``asterisk -rx 'database get ...'`` output, or None when there is no entry."""
    match = _VALUE.search(output or '')
    return int(match.group(1)) if match else None


def ack_result(epoch):
    """The result keys for an acknowledgement epoch (None: not acknowledged)."""
    if epoch is None:
        return {'acknowledged': False, 'acknowledged_at': None}
    return {'acknowledged': True, 'acknowledged_at': {'epoch': epoch, 'iso_utc': iso_utc(epoch)}}


def find_asterisk():
    for directory in os.environ.get('PATH', '').split(os.pathsep) + ['/usr/sbin', '/usr/local/sbin', '/sbin']:
        candidate = os.path.join(directory or '.', 'asterisk')
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise AckReadError('acknowledge: the asterisk command was not found (it reads acknowledgements with asterisk -rx)')


def _cli(command, run, asterisk=None):
    """Output of ``asterisk -rx command``; ``run(argv)`` returns (rc, stdout, stderr).

    The runner is the caller's (AnsibleModule.run_command in the modules), so
    this library starts no process of its own.  argv, never a shell: the name
    is one word of the CLI command, and names are limited to letters, digits
    and _ . @ + - by the writer.  coreutils' timeout bounds the wait when a
    wedged Asterisk accepts the connection but never answers.
    """
    argv = [asterisk or find_asterisk(), '-rx', command]
    bound = shutil.which('timeout')
    if bound:
        argv = [bound, str(CLI_TIMEOUT)] + argv
    try:
        rc, out, err = run(argv)
    except (OSError, ValueError) as exc:
        raise AckReadError('acknowledge: %s failed (%s)' % (' '.join(argv[:-1]), exc))
    if rc != 0 or 'Unable to connect to remote asterisk' in out:
        said = ('%s %s' % (out, err)).strip()[:200]
        raise AckReadError('acknowledge: cannot reach Asterisk through asterisk -rx (run as root or as Asterisk\'s '
                           'user, with Asterisk running; exit %s): %s' % (rc, said))
    return out


def read_ack(name, run, asterisk=None):
    """When the page ``name`` was acknowledged (epoch), or None."""
    return parse_db_get(_cli('database get %s %s' % (ASTDB_FAMILY, name), run, asterisk))


def clear_ack(name, run, asterisk=None):
    """Forget an older acknowledgement of ``name`` before a new page of that name rings."""
    _cli('database del %s %s' % (ASTDB_FAMILY, name), run, asterisk)


def wait_for_ack(probe, read, timeout, poll=0.5, clock=time.time, sleep=time.sleep):
    """Poll until acknowledged or the call has ended, or ``timeout`` passes.

    ``probe()`` returns ``(status, record, ended)`` for the call file right now;
    ``read()`` returns the acknowledgement epoch or None.  Returns
    ``(epoch, status, record, timed_out)``.  After the call ended the
    acknowledgement is read once more: the dialplan stores it before it hangs up.
    """
    deadline = clock() + timeout
    while True:
        epoch = read()
        status, record, ended = probe()
        if epoch is not None:
            return epoch, status, record, False
        if ended:
            return read(), status, record, False
        if clock() >= deadline:
            return None, status, record, True
        sleep(poll)


def annotate(calls, read):
    """Add acknowledged/acknowledged_at to each described call (asterisk_callfile_info); only pages are read.

    Returns None, or why Asterisk could not be asked (not running, or this
    account may not use its CLI): the pages then say null, "unknown", rather
    than false or a failed listing, and Asterisk is not asked again for the others.
    """
    problem = None
    for call in calls:
        if not is_page(call.get('fields')):
            call.update(ack_result(None))
            continue
        if problem is None:
            try:
                call.update(ack_result(read(call['name'])))
                continue
            except AckReadError as exc:
                problem = str(exc)
        call.update(acknowledged=None, acknowledged_at=None)
    return problem
