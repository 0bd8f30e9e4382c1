# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test shim: pycall's import names, answered by pycall.asterisk's writer library.

Only for running pycall's own tests and examples unchanged (tests/ci/pycall.sh);
every name is re-exported, nothing is reimplemented.
"""

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import (  # noqa: F401 pylint: disable=unused-import
    Action,
    Application,
    Call,
    CallFile,
    Context,
    InvalidTimeError,
    NoSpoolPermissionError,
    NoUserError,
    NoUserPermissionError,
    PycallError,
    UnknownError,
    ValidationError,
)
