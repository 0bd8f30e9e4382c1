# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret variable values never leave a run in clear, in any form a call file gives them."""

import json
import os
import stat

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import task as callfile_task
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import SpoolError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, derive_name
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import CallSpec
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.listing import list_spool
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.secrets import (
    MASK,
    Redactor,
    redact_variables,
    secret_forms,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import run_callfile_task

SECRET = 'pin;4711'
ESCAPED = 'pin\\;4711'
ROTATED = 'old;0815'


class Done(Exception):
    pass


class FakeModule:
    """What run_callfile_task uses of AnsibleModule; exit/fail record their keyword arguments."""

    def __init__(self, params, check_mode=False, diff=True):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.no_log_values = set()
        self.result = None

    def run_command(self, argv):
        return 1, '', 'no asterisk here'

    def exit_json(self, **kwargs):
        self.result = dict(kwargs, failed=False)
        raise Done()

    def fail_json(self, **kwargs):
        self.result = dict(kwargs, failed=True)
        raise Done()


def _params(spool, **extra):
    params = {'channel': 'Local/100@answer', 'application': 'Playback', 'data': 'hello-world', 'archive': True,
              'state': 'present', 'schedule': 'now', 'force': False, 'spool_dir': spool.outgoing, 'name': 'page'}
    params.update(extra)
    return params


def _run(params, **kwargs):
    module = FakeModule(params, **kwargs)
    with pytest.raises(Done):
        run_callfile_task(module)
    return module


def _spooled(spool):
    (name,) = os.listdir(spool.outgoing)
    path = os.path.join(spool.outgoing, name)
    return path, open(path).read()


def test_forms_include_the_escaped_one():
    assert secret_forms([SECRET]) == [ESCAPED, SECRET]
    assert secret_forms(['', None, 7]) == ['7']


def test_redact_by_name_whatever_the_value_and_the_spelling():
    text = 'Channel: x\nSet: PIN=%s\nsetvar :  PIN=other\nSet: A=1\n' % ESCAPED
    assert redact_variables(text, {'PIN'}) == 'Channel: x\nSet: PIN=%s\nsetvar :  PIN=%s\nSet: A=1\n' % (MASK, MASK)
    assert redact_variables(text, None, keep={'A'}).endswith('Set: A=1\n')
    assert 'other' not in redact_variables(text, None, keep={'A'})


def test_the_escaped_form_is_masked_in_content_and_diff_but_written_in_the_file(spool):
    module = _run(_params(spool, secret_variables={'PIN': SECRET}, variables={'A': 'x'}))
    result = module.result
    assert not result['failed'] and result['changed']
    _path, written = _spooled(spool)
    # Asterisk gets the real value (';' escaped, the only escape its reader knows).
    assert 'Set: PIN=%s\n' % ESCAPED in written
    dumped = json.dumps(result)
    assert SECRET not in dumped and ESCAPED not in dumped and '4711' not in dumped
    assert 'Set: PIN=%s\n' % MASK in result['content'] and 'Set: A=x\n' in result['content']
    assert result['diff']['after'] == result['content']
    # Ansible's own masking gets the written forms too.
    assert {SECRET, ESCAPED} <= module.no_log_values


def test_a_rotated_secret_does_not_print_the_old_one_in_the_diff(spool):
    _run(_params(spool, secret_variables={'PIN': ROTATED}))
    module = _run(_params(spool, secret_variables={'PIN': SECRET}))
    result = module.result
    assert result['changed'] and result['cancelled']
    dumped = json.dumps(result)
    for value in (ROTATED, 'old\\;0815', '0815', SECRET, ESCAPED):
        assert value not in dumped
    assert 'Set: PIN=%s\n' % MASK in result['diff']['before']
    # The new file holds the new secret, the old one is gone.
    _path, written = _spooled(spool)
    assert 'Set: PIN=%s\n' % ESCAPED in written


def test_cancelling_shows_no_variable_of_the_cancelled_file(spool):
    _run(_params(spool, secret_variables={'PIN': SECRET}, variables={'A': 'x'}))
    module = _run({'name': 'page', 'state': 'absent', 'spool_dir': spool.outgoing, 'force': False})
    assert module.result['changed']
    assert '4711' not in json.dumps(module.result)
    # The task names no variable in clear, so none of the file's is shown.
    assert 'Set: A=%s\n' % MASK in module.result['diff']['before']


def test_an_error_quoting_a_secret_masks_it(spool, monkeypatch):
    def fail(*_args, **_kwargs):
        raise SpoolError('cannot write Set: PIN=%s (%s)' % (ESCAPED, SECRET), spool.outgoing)
    monkeypatch.setattr(callfile_task, 'manage_call', fail)
    module = _run(_params(spool, secret_variables={'PIN': SECRET}))
    assert module.result['failed']
    assert module.result['msg'] == 'cannot write Set: PIN=%s (%s)' % (MASK, MASK)


def test_a_derived_name_and_the_file_name_do_not_depend_on_secret_values(spool):
    def request(pin, plain='x'):
        spec = CallSpec('Local/1@answer', application='Echo', variables=[('A', plain), ('PIN', pin)])
        return CallRequest(spec, secret_names={'PIN'}, schedule='2030-01-01T00:00:00Z')
    one, other = request('000000'), request('999999')
    assert one.name == other.name and one.filename == other.filename
    # Non-secret content still tells calls apart.
    assert request('000000', plain='y').name != one.name
    # Without the secret declared, the value is content like any other.
    spec = CallSpec('Local/1@answer', application='Echo', variables=[('PIN', '000000')])
    assert derive_name(spec) != derive_name(CallSpec('Local/1@answer', application='Echo', variables=[('PIN', '1')]))


def test_a_rotated_secret_with_a_fixed_schedule_is_respooled(spool):
    params = _params(spool, secret_variables={'PIN': ROTATED}, schedule='2030-01-01T00:00:00Z')
    _run(params)
    old_path, _text = _spooled(spool)
    module = _run(dict(params, secret_variables={'PIN': SECRET}))
    assert module.result['changed'] and module.result['cancelled'] == [old_path]
    _path, written = _spooled(spool)
    assert ESCAPED in written


def test_files_are_owner_only_by_default(spool):
    _run(_params(spool, secret_variables={'PIN': SECRET}))
    path, _text = _spooled(spool)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_info_listing_masks_variables_unless_asked(spool):
    _run(_params(spool, secret_variables={'PIN': SECRET}, variables={'A': 'x'}))
    (call,) = list_spool(spool, detail='full')[0]
    assert call['fields']['variables'] == {'A': MASK, 'PIN': MASK}
    assert '4711' not in json.dumps(call)
    (shown,) = list_spool(spool, detail='full', show_variables=True)[0]
    assert shown['fields']['variables'] == {'A': 'x', 'PIN': SECRET}


def test_the_info_listing_hides_a_set_line_quoted_in_a_parse_error(spool):
    with open(os.path.join(spool.outgoing, 'odd.call'), 'w') as handle:
        handle.write('Channel: Local/1@answer\nApplication: Echo\nSet: %s\n' % SECRET)
    (call,) = list_spool(spool, detail='full')[0]
    assert '4711' not in json.dumps(call)
    assert any(error.startswith('Set without =') for error in call['errors'])


def test_redactor_is_empty_without_secrets():
    assert not Redactor({})
    assert Redactor({'PIN': SECRET}).text('Set: PIN=%s\nData: %s\n' % (ESCAPED, SECRET)) == \
        'Set: PIN=%s\nData: %s\n' % (MASK, MASK)


def test_secrets_of_each_calls_entry_are_masked_too(spool):
    params = _params(spool, name=None, detail='full', calls=[
        {'name': 'one', 'secret_variables': {'PIN': SECRET}},
        {'name': 'two', 'secret_variables': {'CODE': ROTATED}, 'variables': {'A': 'x'}},
    ])
    module = _run(params)
    result = module.result
    assert not result['failed'] and result['changed']
    dumped = json.dumps(result)
    for value in (SECRET, ESCAPED, ROTATED, 'old\\;0815', '4711', '0815'):
        assert value not in dumped
    contents = [call['content'] for call in result['calls']]
    assert 'Set: PIN=%s\n' % MASK in contents[0] and 'Set: CODE=%s\n' % MASK in contents[1]
    assert 'Set: A=x\n' in contents[1]
    written = ''.join(open(os.path.join(spool.outgoing, name)).read() for name in os.listdir(spool.outgoing))
    assert ESCAPED in written and 'old\\;0815' in written
