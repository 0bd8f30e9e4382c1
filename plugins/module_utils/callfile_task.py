# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module parameters in, one named call managed, a result out.

Kept apart from the module file so the module stays declarative and the
mapping (parameter names in errors, defaults, results) is unit-tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_errors import (
    CallFileError,
    ValidationError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_manage import CallRequest, ensure_call
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_model import CallSpec, build_channel
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_spool import DEFAULT_MODE, SpoolPaths

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
    return mode


def _variables(params):
    plain = params.get('variables') or {}
    secret = params.get('secret_variables') or {}
    both = set(plain) & set(secret)
    if both:
        raise ValidationError('secret_variables', 'must not repeat names given in variables (%s)' % ', '.join(sorted(both)))
    return list(plain.items()) + list(secret.items()), set(secret)


def build_spec(params):
    """The CallSpec the parameters describe; errors name the parameter."""
    variables, secret_names = _variables(params)
    channel = params.get('channel')
    if channel is None:
        if params.get('trunk_type') is None:
            raise ValidationError('channel', 'is required (or trunk_type, trunk_name and number)')
        channel = build_channel(params['trunk_type'], params['trunk_name'], params['number'])
    kwargs = dict((key, params.get(key)) for key in _SPEC_OPTIONS)
    try:
        return CallSpec(channel, variables=variables, **kwargs)
    except ValidationError as exc:
        name = exc.field[len('variables['):-1] if exc.field.startswith('variables[') else None
        if name in secret_names:
            raise exc.renamed('secret_variables[%s]' % name)
        raise


def manage_call(params, check_mode=False):
    """Run the task described by module parameters; returns the result dict."""
    paths = SpoolPaths(outgoing=params.get('spool_dir'), staging=params.get('staging_dir'))
    mode = parse_mode(params.get('mode'))
    if params.get('state') == 'absent':
        # Cancelling needs only the name; content is not compared.
        spec = CallSpec('Local/cancel@pycall', application='NoOp')
    else:
        spec = build_spec(params)
    request = CallRequest(spec, name=params.get('name'), schedule=params.get('schedule'))
    return ensure_call(paths, request, state=params.get('state') or 'present', force=params.get('force'),
                       owner=params.get('owner'), group=params.get('group'), mode=mode, check_mode=check_mode)


def run_callfile_task(module):
    """exit_json/fail_json for AnsibleModule; never a traceback for our errors."""
    try:
        result = manage_call(module.params, check_mode=module.check_mode)
    except ValidationError as exc:
        module.fail_json(msg=str(exc), parameter=exc.field, rule=exc.rule)
    except CallFileError as exc:
        module.fail_json(msg=str(exc), path=getattr(exc, 'path', None))
    diff = result.pop('diff')
    if module._diff:
        result['diff'] = diff
    if module.params.get('state') == 'absent':
        result['content'] = ''
    module.exit_json(**result)
