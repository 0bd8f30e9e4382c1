# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""The asterisk_callfile module's argument spec, declared once.

A call's options are used twice: at task level and as the sub-options of
each ``calls`` entry.  Declaring them once keeps the two in step: the same
types and conversions (``archive: "yes"`` is a bool in both places), the
same choices, and ``no_log`` on ``secret_variables`` in every entry, which
Ansible only honours for declared sub-options.

Entries carry no defaults: a value left out of an entry must stay ``None``
so the task-level value applies (see _callfile.task.merge_call).
"""

import copy

# The options that describe one call (and so may appear in a ``calls`` entry).
_CALL_OPTIONS = dict(
    name=dict(type='str'),
    channel=dict(type='str'),
    trunk_type=dict(type='str'),
    trunk_name=dict(type='str'),
    number=dict(type='str'),
    application=dict(type='str'),
    data=dict(type='str'),
    context=dict(type='str'),
    extension=dict(type='str'),
    priority=dict(type='int'),
    callerid=dict(type='str'),
    variables=dict(type='dict'),
    secret_variables=dict(type='dict', no_log=True),
    account=dict(type='str'),
    wait_time=dict(type='int'),
    retry_time=dict(type='int'),
    max_retries=dict(type='int'),
    codecs=dict(type='list', elements='str'),
    archive=dict(type='bool'),
    always_delete=dict(type='bool'),
    early_media=dict(type='bool'),
    schedule=dict(type='str'),
)

# Task-level defaults of call options (absent from entries on purpose).
_TASK_DEFAULTS = dict(archive=True, schedule='now')

# Options that concern the whole run, never one entry.
_RUN_OPTIONS = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    force=dict(type='bool', default=False),
    owner=dict(type='str'),
    group=dict(type='str'),
    mode=dict(type='raw'),
    spool_dir=dict(type='path'),
    staging_dir=dict(type='path'),
    lock_timeout=dict(type='int', default=30),
    spacing=dict(type='int', default=0),
    detail=dict(type='str', default='compact', choices=['compact', 'full']),
    wait=dict(type='bool', default=False),
    wait_timeout=dict(type='int', default=300),
    acknowledge=dict(type='bool', default=False),
    page_message=dict(type='str'),
    ack_digit=dict(type='str'),
    ack_repeats=dict(type='int'),
)

# One channel and one action per call, at task level and within an entry.
CALL_MUTUALLY_EXCLUSIVE = [
    ('channel', 'trunk_type'), ('channel', 'trunk_name'), ('channel', 'number'),
    ('application', 'context'), ('application', 'extension'), ('application', 'priority'),
]
REQUIRED_TOGETHER = [('trunk_type', 'trunk_name', 'number')]
REQUIRED_IF = [('state', 'absent', ('name',))]

CALL_OPTION_NAMES = tuple(_CALL_OPTIONS)


def call_entry_spec():
    """Sub-options of one ``calls`` entry."""
    return copy.deepcopy(_CALL_OPTIONS)


def argument_spec():
    """The whole task-level argument spec of asterisk_callfile."""
    spec = copy.deepcopy(_CALL_OPTIONS)
    for key, default in _TASK_DEFAULTS.items():
        spec[key]['default'] = default
    spec.update(copy.deepcopy(_RUN_OPTIONS))
    # An entry may refine the task's trunk with its own number only, so the
    # trunk's three parts are required together at task level, not per entry.
    spec['calls'] = dict(type='list', elements='dict', options=call_entry_spec(),
                         mutually_exclusive=CALL_MUTUALLY_EXCLUSIVE)
    return spec


def module_kwargs():
    """Keyword arguments for AnsibleModule (spec and the rules between options)."""
    return dict(
        argument_spec=argument_spec(),
        mutually_exclusive=CALL_MUTUALLY_EXCLUSIVE,
        required_together=REQUIRED_TOGETHER,
        required_if=REQUIRED_IF,
        supports_check_mode=True,
    )
