# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Module parameters in, one named call managed, a result out.

Kept apart from the module file so the module stays declarative and the
mapping (parameter names in errors, defaults, results) is unit-tested.
"""

import os
import time

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.argspec import CALL_OPTION_NAMES
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import (
    CallFileError,
    ValidationError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_calls
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import paging
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.report import wait_for_outcome
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import CallSpec, build_channel, check_mode
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.asterisk_conf import running_asterisk
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.secrets import Redactor
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import DEFAULT_LOCK_TIMEOUT, DEFAULT_MODE, SpoolPaths

_SPEC_OPTIONS = ('application', 'data', 'context', 'extension', 'priority', 'callerid', 'account',
                 'wait_time', 'retry_time', 'max_retries', 'codecs', 'archive', 'always_delete', 'early_media')


def parse_mode(value):
    """An octal string ('0640', '640') or an int; None means the default."""
    if value is None:
        return DEFAULT_MODE
    if isinstance(value, int) and not isinstance(value, bool):
        mode = value
    elif isinstance(value, str) and value and all(c in '01234567' for c in value):
        mode = int(value, 8)
    else:
        raise ValidationError('mode', "must be an octal string such as '0640'", value)
    if not 0 <= mode <= 0o7777:
        raise ValidationError('mode', "must be an octal string such as '0640'", value)
    return check_mode(mode)


def _variables(params):
    plain = params.get('variables') or {}
    secret = params.get('secret_variables') or {}
    both = set(plain) & set(secret)
    if both:
        raise ValidationError('secret_variables', 'must not repeat names given in variables (%s)' % ', '.join(sorted(both)))
    return list(plain.items()) + list(secret.items()), set(secret)


def build_spec(params):
    """The CallSpec the parameters describe; errors name the parameter."""
    params = paging.page_params(params, params.get('name'))
    variables, secret_names = _variables(params)
    channel = params.get('channel')
    for part in ('trunk_type', 'trunk_name', 'number'):
        if channel is not None and params.get(part) is not None:
            raise ValidationError(part, 'cannot be combined with channel')
    if channel is None:
        if params.get('trunk_type') is None:
            raise ValidationError('channel', 'is required (or trunk_type, trunk_name and number)')
        channel = build_channel(params['trunk_type'], params['trunk_name'], params['number'])
    kwargs = dict((key, params.get(key)) for key in _SPEC_OPTIONS)
    try:
        return CallSpec(channel, variables=variables, **kwargs)
    except ValidationError as exc:
        if exc.field.startswith('variables['):
            name = exc.field[len('variables['):-1]
            if name in secret_names:
                raise exc.renamed('secret_variables[%s]' % name)
        elif exc.field == 'variables' and exc.value in secret_names:
            raise exc.renamed('secret_variables')
        raise


_CALL_KEYS = CALL_OPTION_NAMES
# (keys that start a new group, keys of the group): an entry naming another channel or
# action replaces the task-level one whole; data, priority or number alone refine it.
_GROUPS = (
    (('channel', 'trunk_type'), ('channel', 'trunk_type', 'trunk_name', 'number')),
    (('application', 'context', 'extension'), ('application', 'data', 'context', 'extension', 'priority')),
)


def merge_call(defaults, entry, index):
    """One entry of ``calls`` over the task-level options, errors naming ``calls[i]``."""
    if not isinstance(entry, dict):
        raise ValidationError('calls[%d]' % index, 'must be a mapping of call options')
    unknown = sorted(set(entry) - set(_CALL_KEYS))
    if unknown:
        raise ValidationError('calls[%d]' % index, 'unsupported option(s): %s' % ', '.join(unknown))
    merged = dict((key, defaults.get(key)) for key in _CALL_KEYS)
    # Paging options are task-level: every entry of a batch is paged the same way.
    merged.update((key, defaults.get(key)) for key in paging.PAGING_OPTIONS)
    given = dict((key, value) for key, value in entry.items() if value is not None)
    for triggers, members in _GROUPS:
        if any(key in given for key in triggers):
            for key in members:
                merged[key] = None
    merged.update(given)
    if entry.get('name') is None and defaults.get('name') is not None:
        merged['name'] = '%s-%d' % (defaults['name'], index + 1)
    return merged


def _requests(params, now):
    entries = params.get('calls')
    secret_names = frozenset(params.get('secret_variables') or ())
    if not entries:
        return [CallRequest(build_spec(params), name=params.get('name'), schedule=params.get('schedule'), now=now,
                            secret_names=secret_names)], False
    spacing = params.get('spacing') or 0
    requests = []
    for index, entry in enumerate(entries):
        try:
            merged = merge_call(params, entry, index)
            requests.append(CallRequest(build_spec(merged), name=merged.get('name'), schedule=merged.get('schedule'),
                                        now=now, offset=index * spacing,
                                        secret_names=frozenset(merged.get('secret_variables') or ())))
        except ValidationError as exc:
            if exc.field.startswith('calls['):
                raise
            raise exc.renamed('calls[%d].%s' % (index, exc.field))
    return requests, True


def _wait(paths, results, timeout):
    deadline = time.time() + timeout
    for result in results:
        if result['status'] not in ('pending', 'in_progress') or not result['call_file']:
            result.update(timed_out=False, attempts=result.get('attempts', 0))
            continue
        status, record, timed_out = wait_for_outcome(paths, result['call_file'], max(0, deadline - time.time()))
        result.update(status=status, timed_out=timed_out, attempts=record.attempts_made if record else 0)
        if status in ('completed', 'failed', 'expired'):
            result['call_file'] = os.path.join(paths.done, os.path.basename(result['call_file']))


def _pages(paths, results, params, check_mode, run):
    """Acknowledged pages: forget stale acknowledgements of new files, then report (or wait for) the key press."""
    fresh = [r for r in results if r['changed'] and r['status'] == 'pending']
    if not check_mode:
        for result in fresh:
            paging.clear_ack(result['name'], run)
    deadline = time.time() + (params.get('wait_timeout') or 0)
    for result in results:
        if check_mode or result in fresh and not params.get('wait'):
            result.update(paging.ack_result(None))
            continue
        if not params.get('wait') or not result['call_file']:
            result.update(paging.ack_result(paging.read_ack(result['name'], run)))
            continue
        call_file = result['call_file']

        def probe(call_file=call_file):
            status, record, timed_out = wait_for_outcome(paths, call_file, 0)
            return status, record, not timed_out

        epoch, status, record, timed_out = paging.wait_for_ack(
            probe, lambda name=result['name']: paging.read_ack(name, run), max(0, deadline - time.time()))
        result.update(status=status, timed_out=timed_out, attempts=len(record.attempts) if record else 0)
        result.update(paging.ack_result(epoch))
        if status in ('completed', 'failed', 'expired'):
            result['call_file'] = os.path.join(paths.done, os.path.basename(call_file))


# What an entry of a batch result keeps by default: what a runbook acts on. The rest (the
# call file's text, the lists of other files) is per-entry bulk that Ansible would carry
# through every layer for each of thousands of entries; detail=full returns it.
_FULL_ONLY = ('content', 'cancelled', 'in_flight', 'cancelled_waiting', 'stuck')


def compact_entry(result):
    """A batch entry's result without the keys only detail=full returns."""
    return dict((key, value) for key, value in result.items() if key not in _FULL_ONLY)


def manage_call(params, check_mode=False, run=None):
    """Run the task described by module parameters; returns the result dict.

    ``run(argv) -> (rc, stdout, stderr)`` runs commands (acknowledged pages ask Asterisk's CLI).
    """
    paths = SpoolPaths(outgoing=params.get('spool_dir'), staging=params.get('staging_dir'))
    mode = parse_mode(params.get('mode'))
    state = params.get('state') or 'present'
    if params.get('spacing') is not None and params['spacing'] < 0:
        raise ValidationError('spacing', 'must be an integer >= 0', params['spacing'])
    lock_timeout = params.get('lock_timeout')
    if lock_timeout is None:
        lock_timeout = DEFAULT_LOCK_TIMEOUT
    if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, (int, float)) or lock_timeout < 0:
        raise ValidationError('lock_timeout', 'must be a number of seconds >= 0', lock_timeout)
    if params.get('wait') and params.get('archive') is False:
        raise ValidationError('wait', 'needs archive=true: the archived Status is the outcome it waits for')
    if state == 'absent':
        # Cancelling needs only the name; content is not compared.
        placeholder = CallSpec('Local/cancel@pycall', application='NoOp')
        names = [params.get('name')] if not params.get('calls') else [
            merge_call(params, entry, index).get('name') for index, entry in enumerate(params['calls'])]
        if None in names:
            raise ValidationError('name', 'is required to cancel a call (state=absent)')
        requests, batch = [CallRequest(placeholder, name=name) for name in names], bool(params.get('calls'))
    else:
        requests, batch = _requests(params, time.time())
    results = ensure_calls(paths, requests, state=state, force=params.get('force'), owner=params.get('owner'),
                           group=params.get('group'), mode=mode, check_mode=check_mode,
                           asterisk=running_asterisk(), lock_timeout=lock_timeout)
    if state == 'absent':
        for result in results:
            result['content'] = ''
    if params.get('acknowledge') and state == 'present':
        _pages(paths, results, params, check_mode, run)
    elif params.get('wait') and not check_mode and state == 'present':
        _wait(paths, results, params.get('wait_timeout') or 0)
    if not batch:
        return results[0]
    diff = {'before': ''.join(r['diff']['before'] for r in results),
            'after': ''.join(r['diff']['after'] for r in results)}
    for result in results:
        del result['diff']
    if (params.get('detail') or 'compact') == 'compact':
        results = [compact_entry(result) for result in results]
    changed = [r for r in results if r['changed']]
    return {'changed': bool(changed), 'calls': results, 'diff': diff,
            'msg': '%d of %d call(s) changed' % (len(changed), len(results))}


def all_secret_variables(params):
    """Task-level and per-entry secret_variables, as (name, value) pairs (names may repeat)."""
    found = list((params.get('secret_variables') or {}).items())
    for entry in params.get('calls') or ():
        if isinstance(entry, dict):
            found.extend((entry.get('secret_variables') or {}).items())
    return found


def _masked(value, redactor):
    """Every string in a result with the secret values masked (names are redacted already)."""
    if isinstance(value, str):
        return redactor.message(value)
    if isinstance(value, dict):
        return dict((key, _masked(item, redactor)) for key, item in value.items())
    if isinstance(value, list):
        return [_masked(item, redactor) for item in value]
    return value


def given_arguments(params):
    """The task's arguments as echoed in the result, ``calls`` entries without the options they left out.

    Ansible echoes a module's arguments with every sub-option an entry did not
    give set to null: 22 keys per entry, as large as the batch result itself.
    The echo keeps what each entry said; Ansible's no_log masking still applies.
    """
    echoed = dict(params)
    if isinstance(params.get('calls'), list):
        echoed['calls'] = [dict((key, value) for key, value in entry.items() if value is not None)
                           if isinstance(entry, dict) else entry for entry in params['calls']]
    return echoed


def run_callfile_task(module):
    """exit_json/fail_json for AnsibleModule; never a traceback for our errors.

    Secret values are masked here in every form a call file gives them
    (``;`` written ``\\;``), and those forms are handed to Ansible's own
    no_log masking too, which then covers whatever else it prints.
    """
    redactor = Redactor(all_secret_variables(module.params))
    module.no_log_values.update(redactor.forms)
    try:
        result = manage_call(module.params, check_mode=module.check_mode, run=module.run_command)
    except ValidationError as exc:
        module.fail_json(msg=redactor.message(str(exc)), parameter=exc.field, rule=redactor.message(exc.rule))
    except CallFileError as exc:
        module.fail_json(msg=redactor.message(str(exc)), path=getattr(exc, 'path', None))
    result = _masked(result, redactor)
    diff = result.pop('diff')
    if module._diff:
        result['diff'] = diff
    if module.params.get('calls'):
        result['invocation'] = {'module_args': _masked(given_arguments(module.params), redactor)}
    module.exit_json(**result)
