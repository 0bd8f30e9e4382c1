# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's own cost of a batch task, for bench_perf.py: asterisk_callfile's argument spec
applied to the same ``calls``, and a compact result of the same shape, but no spool touched.

Not part of the collection: the benchmark puts this directory on ANSIBLE_LIBRARY.
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.argspec import module_kwargs
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import given_arguments


def main():
    module = AnsibleModule(**module_kwargs())
    schedule = {'epoch': 1798101000, 'iso_utc': '2026-12-24T08:30:00Z', 'absolute': False}
    calls = [{'changed': True, 'name': '%s-%d' % (module.params['name'], index + 1), 'status': 'pending',
              'call_file': '%s/%s-%d.0123456789abcdef.call' % (module.params['spool_dir'], module.params['name'], index),
              'schedule': schedule, 'phase': 'queued', 'msg': 'spooled'}
             for index in range(len(module.params['calls'] or ()))]
    module.exit_json(changed=True, calls=calls, msg='carried %d entries' % len(calls),
                     invocation={'module_args': given_arguments(module.params)})


if __name__ == '__main__':
    main()
