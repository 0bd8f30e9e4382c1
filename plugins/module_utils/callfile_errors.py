# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions raised by the call-file writer.

Every error derives from CallFileError, so callers can catch one class.
The pycall 1.x names (NoUserException, NoPermissionException) and the
pycall 2.x names (ValidationError, NoUserError, ...) are kept as aliases
so existing scripts keep working.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class CallFileError(Exception):
    """Base class of everything the writer raises on purpose."""


class ValidationError(CallFileError, ValueError):
    """A field's value breaks a rule; nothing has touched the disk.

    ``field`` names the offending field (as the user typed it) and
    ``rule`` says which rule it broke, so callers can map the error back
    to their own parameter names.
    """

    def __init__(self, field, rule, value=None):
        self.field = field
        self.rule = rule
        self.value = value
        super(ValidationError, self).__init__('%s: %s' % (field, rule))

    def renamed(self, field):
        """The same error reported under another field name."""
        return ValidationError(field, self.rule, self.value)


class ScheduleError(ValidationError):
    """The requested dial time cannot be understood."""


class SpoolError(CallFileError, OSError):
    """The spool or staging directory cannot take the file."""

    def __init__(self, message, path=None):
        self.path = path
        super(SpoolError, self).__init__(message)

    def __str__(self):
        return self.args[0] if self.args else ''


class StagingFilesystemError(SpoolError):
    """The staging directory is not on the spool's filesystem."""


class CallExistsError(SpoolError):
    """A call file of that name is already in the spool."""


class NoUserError(CallFileError):
    """The user or group the file should be handed to does not exist."""


class NoPermissionError(CallFileError):
    """The running account may not hand the file to that user or group."""


# pycall 1.x spellings
NoUserException = NoUserError
NoPermissionException = NoPermissionError
# pycall 2.x spellings
PycallError = CallFileError
NoUserPermissionError = NoPermissionError
NoSpoolPermissionError = SpoolError
InvalidTimeError = ScheduleError
