# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pycall.callfileexceptions (1.x)."""

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import (  # noqa: F401 pylint: disable=unused-import
    IncorrectTime,
    NoActionDefined,
    NoAsteriskPermission,
    NoNumberDefined,
    NoPermissionException,
    NoTrunkNameDefined,
    NoTrunkTypeDefined,
    NoUserException,
)
