# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's own cost of an asterisk_callfile_info task, for bench_perf.py: the result the
module returned (saved by the benchmark, ``result``) returned again through exit_json, with
no spool read.

Not part of the collection: the benchmark puts this directory on ANSIBLE_LIBRARY.
"""

import json

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={'result': {'type': 'path', 'required': True}})
    with open(module.params['result']) as handle:
        result = json.load(handle)
    # exit_json adds its own invocation; everything else is what the info module returned.
    result.pop('invocation', None)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
