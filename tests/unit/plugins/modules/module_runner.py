# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() the way Ansible does and return what it printed."""

import json

import pytest

from ansible.module_utils import basic

try:  # ansible-core 2.19 and newer
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.17/2.18
    patch_module_args = None


def run_main(capsys, main, args):
    """(printed text, parsed result): the JSON after Ansible's own no_log masking."""
    if patch_module_args is not None:
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                main()
    else:
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
        with pytest.raises(SystemExit):
            main()
    out = capsys.readouterr().out
    return out, json.loads(out)
