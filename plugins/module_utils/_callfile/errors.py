# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Exceptions raised by the call-file writer.

Every error derives from CallFileError, so callers can catch one class.
The pycall 1.x names (NoUserException, NoPermissionException) and the
pycall 2.x names (ValidationError, NoUserError, ...) are kept as aliases
so existing scripts keep working.
"""


class CallFileError(Exception):
    """Base class of everything the writer raises on purpose."""


class ValidationError(CallFileError, ValueError):
    """A field's value breaks a rule; nothing has touched the disk.

    ``field`` names the offending field (as the user typed it) and
    ``rule`` says which rule it broke, so callers can map the error back
    to their own parameter names.
    """

    # pycall raised ValidationError() bare; a subclass may name its own field and rule.
    FIELD = None
    RULE = 'the call file is not valid'

    def __init__(self, field=None, rule=None, value=None):
        self.field = self.FIELD if field is None else field
        self.rule = self.RULE if rule is None else rule
        self.value = value
        message = self.rule if self.field is None else '%s: %s' % (self.field, self.rule)
        super(ValidationError, self).__init__(message)

    def renamed(self, field):
        """The same error reported under another field name."""
        return type(self)(field, self.rule, self.value)


class MissingTrunkTypeError(ValidationError):
    """pycall 1.x form: no trunk_type (and no channel) to dial through."""

    FIELD = 'trunk_type'
    RULE = 'is required (or channel)'


class MissingTrunkNameError(ValidationError):
    """pycall 1.x form: no trunk_name (and no channel)."""

    FIELD = 'trunk_name'
    RULE = 'is required (or channel)'


class MissingNumberError(ValidationError):
    """pycall 1.x form: no number to dial (and no channel)."""

    FIELD = 'number'
    RULE = 'is required (or channel)'


class MissingActionError(ValidationError):
    """Neither an application nor an extension to run once the call is answered."""

    FIELD = 'application'
    RULE = 'either application or context + extension is required'


class ScheduleError(ValidationError):
    """The requested dial time cannot be understood."""


class SpoolError(CallFileError, OSError):
    """The spool or staging directory cannot take the file."""

    # pycall raised NoSpoolPermissionError bare.
    def __init__(self, message='the call file could not be spooled', path=None):
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


class SpoolAccessError(SpoolError, NoPermissionError):
    """A process that is not root may not write into the spool or staging directory."""


class UnknownError(CallFileError):
    """pycall 2.x's catch-all; kept so ``except UnknownError`` still resolves."""


# pycall 1.x spellings
NoUserException = NoUserError
NoPermissionException = NoPermissionError
NoTrunkTypeDefined = MissingTrunkTypeError
NoTrunkNameDefined = MissingTrunkNameError
NoNumberDefined = MissingNumberError
NoActionDefined = MissingActionError
IncorrectTime = ScheduleError
NoAsteriskPermission = SpoolError
# pycall 2.x spellings
PycallError = CallFileError
NoUserPermissionError = NoPermissionError
NoSpoolPermissionError = SpoolError
InvalidTimeError = ScheduleError
