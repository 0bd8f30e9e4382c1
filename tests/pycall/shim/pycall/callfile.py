# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall.callfile: 2.x's CallFile module and 1.x's (whose star import also gave its exceptions)."""

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import (  # noqa: F401 pylint: disable=unused-import
    CallFile,
    IncorrectTime,
    InvalidTimeError,
    NoActionDefined,
    NoAsteriskPermission,
    NoNumberDefined,
    NoPermissionException,
    NoSpoolPermissionError,
    NoTrunkNameDefined,
    NoTrunkTypeDefined,
    NoUserError,
    NoUserException,
    NoUserPermissionError,
    ValidationError,
)
