# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call-file writer: pycall's API, done safely.

Usable on its own (standard library only)::

    from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import CallFile
    CallFile(trunk_type='Local', trunk_name='from-internal', number='18002223333',
             application='Playback', data='hello-world').run()

Both pycall shapes work: 1.x's keyword form (``sets=``, ``dir=``,
``tmpdir=``, ``add_set()``, ``run(time)``) and 2.x's
``CallFile(Call(...), Application(...)).spool(time)``.  As in pycall,
objects may be changed after they are built: the rules are applied to
the current attributes by ``is_valid()``, ``buildfile()``, ``spool()``
and ``run()``, always before anything touches the disk.  The file is
staged beside the spool, handed to Asterisk's user, dated, and renamed
into ``outgoing`` in one step.  Where this differs from pycall, and why:
docs/docsite/rst/guide_library.rst.
"""

import errno
import os
import stat
import uuid

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import (  # noqa: F401 pylint: disable=unused-import
    CallExistsError,
    CallFileError,
    IncorrectTime,
    InvalidTimeError,
    MissingActionError,
    MissingNumberError,
    MissingTrunkNameError,
    MissingTrunkTypeError,
    NoActionDefined,
    NoAsteriskPermission,
    NoNumberDefined,
    NoPermissionError,
    NoPermissionException,
    NoSpoolPermissionError,
    NoTrunkNameDefined,
    NoTrunkTypeDefined,
    NoUserError,
    NoUserException,
    NoUserPermissionError,
    PycallError,
    ScheduleError,
    SpoolAccessError,
    SpoolError,
    StagingFilesystemError,
    UnknownError,
    ValidationError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.found import (  # noqa: F401 pylint: disable=unused-import
    CALL_SUFFIX,
    call_filename,
    call_state,
    name_of,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import (  # noqa: F401 pylint: disable=unused-import
    CallRecord,
    CallSpec,
    build_channel,
    check_mode,
    parse_callfile,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.pycall import (
    blank_to_none,
    check_pycall_types,
    check_spool_access,
    due_time,
    legacy_callerid,
    primary_group,
    render_lines,
    variables_for_asterisk,
    write_private,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.schedule import (  # noqa: F401 pylint: disable=unused-import
    iso_utc,
    resolve_schedule,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import (  # noqa: F401 pylint: disable=unused-import
    DEFAULT_MODE,
    SpoolPaths,
    check_filename,
    resolve_ownership,
    spool_lock,
    spool_root,
    write_callfile,
)


def _fresh_name():
    # Like pycall's mkstemp names: unguessable, one per call file.
    return 'pycall-%s%s' % (uuid.uuid4().hex, CALL_SUFFIX)


# A stand-in action for checking a Call alone: valid, so any error names a call field.
_PROBE_ACTION = {'application': 'NoOp'}


class Call:
    """pycall 2.x's Call: the channel and how to dial it."""

    def __init__(self, channel, callerid=None, variables=None, account=None, wait_time=None,
                 retry_time=None, max_retries=None, codecs=None, early_media=None):
        self.channel = channel
        self.callerid = callerid
        self.variables = variables
        self.account = account
        self.wait_time = wait_time
        self.retry_time = retry_time
        self.max_retries = max_retries
        self.codecs = codecs
        self.early_media = early_media

    def spec_fields(self):
        """The CallSpec keywords of this call, after pycall's type rules (ValidationError if broken)."""
        check_pycall_types(self)
        return {'channel': self.channel, 'callerid': self.callerid, 'account': self.account,
                'wait_time': self.wait_time, 'retry_time': self.retry_time, 'max_retries': self.max_retries,
                'variables': variables_for_asterisk(self.variables), 'codecs': self.codecs,
                'early_media': self.early_media}

    def validate(self):
        """Raise ValidationError naming the first field Asterisk could not take as meant."""
        CallSpec(**dict(self.spec_fields(), **_PROBE_ACTION))

    def is_valid(self):
        """pycall 2.x: True if the current attributes make a call Asterisk can dial."""
        try:
            self.validate()
        except ValidationError:
            return False
        return True

    def render(self):
        """pycall 2.x: this call's directives as lines, in pycall's order (rules: is_valid())."""
        variables = variables_for_asterisk(self.variables)
        if isinstance(variables, dict):
            variables = list(variables.items())
        pairs = [('Channel', self.channel, 'channel'), ('Callerid', self.callerid or None, 'callerid')]
        for item in variables or ():
            if isinstance(item, (tuple, list)) and len(item) == 2:
                pairs.append(('Set', '%s=%s' % (item[0], item[1]), 'variables[%s]' % (item[0],)))
        pairs += [('Account', self.account or None, 'account'), ('WaitTime', self.wait_time, 'wait_time'),
                  ('RetryTime', self.retry_time, 'retry_time'), ('MaxRetries', self.max_retries, 'max_retries')]
        return render_lines(pairs)


class Action:
    """pycall 2.x's base of what to do once the call is answered."""

    def spec_fields(self):
        raise NotImplementedError


class Application(Action):
    """pycall 2.x's Application: run ``application(data)`` once answered."""

    def __init__(self, application, data=None):
        self.application = application
        self.data = data

    def spec_fields(self):
        return {'application': self.application, 'data': self.data}

    def render(self):
        """pycall 2.x: ('Application: ...', 'Data: ...')."""
        return tuple(render_lines([('Application', self.application, 'application'),
                                   ('Data', self.data, 'data')]))


class Context(Action):
    """pycall 2.x's Context: continue in the dialplan once answered."""

    def __init__(self, context, extension, priority=1):
        self.context = context
        self.extension = extension
        self.priority = priority

    def spec_fields(self):
        return {'context': self.context, 'extension': self.extension, 'priority': self.priority}

    def render(self):
        """pycall 2.x: ('Context: ...', 'Extension: ...', 'Priority: ...')."""
        return tuple(render_lines([('Context', self.context, 'context'), ('Extension', self.extension, 'extension'),
                                   ('Priority', self.priority, 'priority')]))


def _not_a_directory(path):
    """pycall 2.x's is_valid() spool check; one this process may not reach is spool()'s NoSpoolPermissionError."""
    try:
        return not stat.S_ISDIR(os.stat(path).st_mode)
    except OSError as exc:
        return exc.errno != errno.EACCES


class _DefaultSpoolDir:
    """``CallFile.DEFAULT_SPOOL_DIR``: outgoing under the astspooldir asterisk.conf names, read when asked.

    A program may still assign its own value to the class attribute, as with pycall.
    """

    def __get__(self, instance, owner):
        return os.path.join(spool_root(), 'outgoing')


# pycall 1.x keyword names and the names this writer uses for them.
_ALIASES = (('sets', 'variables'), ('set_var', 'variables'), ('dir', 'spool_dir'), ('tmpdir', 'tempdir'))


class CallFile:
    """A call file ready to spool, in pycall 2.x's or 1.x's form.

    2.x: ``CallFile(call, action, archive=None, filename=None, tempdir=None,
    user=None, spool_dir=None)``.  1.x: keyword arguments ``trunk_type``,
    ``trunk_name``, ``number`` (or ``channel``), ``application``/``data`` or
    ``context``/``extension``/``priority``, ``callerid_name``,
    ``callerid_num``, ``max_retries``, ``retry_time``, ``wait_time``,
    ``account``, ``sets``, ``always_delete``, ``archive``, ``user``,
    ``dir``, ``tmpdir``.  Nothing is checked until ``is_valid()``,
    ``buildfile()``, ``spool()`` or ``run()``: the current attributes count.
    """

    DEFAULT_SPOOL_DIR = _DefaultSpoolDir()

    def __init__(self, call=None, action=None, archive=None, filename=None, tempdir=None,
                 user=None, spool_dir=None, group=None, mode=DEFAULT_MODE, always_delete=None,
                 trunk_type=None, trunk_name=None, number=None, channel=None,
                 application=None, data=None, context=None, extension=None, priority=None,
                 callerid=None, callerid_name=None, callerid_num=None, wait_time=None,
                 retry_time=None, max_retries=None, account=None, variables=None,
                 codecs=None, early_media=None, **legacy):
        for old, new in _ALIASES:
            if old in legacy:
                if locals()[new] is not None:
                    raise TypeError('CallFile() got both %s= and %s=' % (old, new))
                value = legacy.pop(old)
                if new == 'variables':
                    variables = value
                elif new == 'spool_dir':
                    spool_dir = value
                else:
                    tempdir = value
        if legacy:
            raise TypeError('CallFile() got unexpected keyword argument(s) %s' % ', '.join(sorted(legacy)))
        self.call = call
        self.action = action
        self.archive = archive
        self.always_delete = always_delete
        self.user = user
        self.group = group
        self.mode = mode
        self.spool_dir = spool_dir or self.DEFAULT_SPOOL_DIR
        self._tempdir = tempdir
        # pycall 1.x attributes: read when the call is built, so later changes count.
        self.trunk_type, self.trunk_name, self.number, self.channel = trunk_type, trunk_name, number, channel
        self.application, self.data = application, data
        self.context, self.extension, self.priority = context, extension, priority
        self.callerid, self.callerid_name, self.callerid_num = callerid, callerid_name, callerid_num
        self.wait_time, self.retry_time, self.max_retries = wait_time, retry_time, max_retries
        self.account, self.codecs, self.early_media = account, codecs, early_media
        self.sets = {} if variables is None else variables
        # 2.x names its file when built (pycall had one from mkstemp); the
        # 1.x form gets a new name at every run(), like pycall 1.x.
        self._named_by_us = None
        if filename is None and call is not None:
            filename = self._named_by_us = _fresh_name()
        self.filename = filename

    # -- pycall 1.x spellings ------------------------------------------------------------
    @property
    def dir(self):
        return self.spool_dir

    @dir.setter
    def dir(self, value):
        self.spool_dir = value

    @property
    def tempdir(self):
        """Where the file is staged: as given, else ``tmp`` beside the spool directory (same filesystem)."""
        if self._tempdir:
            return self._tempdir
        return os.path.join(os.path.dirname(os.path.normpath(str(self.spool_dir))), 'tmp')

    @tempdir.setter
    def tempdir(self, value):
        self._tempdir = value

    tmpdir = tempdir

    @property
    def set_var(self):
        return self.sets

    @set_var.setter
    def set_var(self, value):
        self.sets = value

    variables = set_var

    def add_set(self, var, val):
        """pycall 1.x: pass variable ``var`` = ``val`` to the call."""
        if not isinstance(self.sets, dict):
            self.sets = dict(self.sets or ())
        self.sets[var] = val

    # -- building ------------------------------------------------------------------------
    @property
    def is_1x(self):
        """Built in pycall 1.x's keyword form (no Call object)."""
        return self.call is None

    def _call_1x(self):
        if blank_to_none(self.channel) is not None:
            channel = self.channel
        else:
            for value, error in ((self.trunk_type, MissingTrunkTypeError), (self.trunk_name, MissingTrunkNameError),
                                 (self.number, MissingNumberError)):
                if blank_to_none(value) is None:
                    raise error()
            channel = build_channel(self.trunk_type, self.trunk_name, self.number)
        callerid = blank_to_none(self.callerid) or legacy_callerid(self.callerid_name, self.callerid_num)
        return Call(channel, callerid=callerid, variables=blank_to_none(self.sets),
                    account=blank_to_none(self.account), wait_time=blank_to_none(self.wait_time),
                    retry_time=blank_to_none(self.retry_time), max_retries=blank_to_none(self.max_retries),
                    codecs=self.codecs, early_media=self.early_media)

    def _action_1x(self):
        if blank_to_none(self.application) is not None:
            return Application(self.application, blank_to_none(self.data))
        if blank_to_none(self.extension) is not None:
            return Context(blank_to_none(self.context), self.extension, blank_to_none(self.priority) or 1)
        raise MissingActionError()

    def _spec(self):
        call = self._call_1x() if self.call is None else self.call
        action = self.action
        if action is None:
            action = self._action_1x()
        if not isinstance(call, Call):
            raise ValidationError('call', 'must be a Call, not %s' % type(call).__name__, call)
        if not isinstance(action, Action):
            raise ValidationError('action', 'must be an Application or a Context, not %s' % type(action).__name__,
                                  action)
        fields = dict(call.spec_fields(), **action.spec_fields())
        # pycall wrote Archive only when true (1.x: 'No' otherwise), and 1.x
        # wrote AlwaysDelete: No by default: false means unset, Asterisk's defaults.
        return CallSpec(always_delete=blank_to_none(self.always_delete), archive=blank_to_none(self.archive),
                        **fields)

    @property
    def spec(self):
        """The validated CallSpec of the current attributes (ValidationError if they break a rule)."""
        return self._spec()

    def validate(self):
        """Raise the first rule the current attributes break (nothing is written)."""
        spec = self._spec()
        if not self.is_1x and _not_a_directory(str(self.spool_dir)):
            raise ValidationError('spool_dir', 'is not a directory', self.spool_dir)
        return spec

    def is_valid(self):
        """pycall 2.x: True if spool() would accept the call (users and permissions are checked there)."""
        try:
            self.validate()
        except ValidationError:
            return False
        return True

    def buildfile(self):
        """The file's lines (pycall: raises ValidationError if the call is not valid)."""
        return self.validate().render().splitlines()

    @property
    def contents(self):
        return self._spec().render()

    def __str__(self):
        # pycall 2.x's developer view; the file itself is .contents.
        return 'CallFile-> archive: %s, user: %s, spool_dir: %s' % (self.archive, self.user, self.spool_dir)

    def writefile(self, callfile=None):
        """Write the call file into ``tempdir`` (not the spool) and return its path.

        pycall 1.x passed the lines of buildfile(); 2.x wrote its own.
        """
        lines = self.buildfile() if callfile is None else list(callfile)
        name = self.filename if self.filename and not (self.is_1x and self.filename == self._named_by_us) \
            else _fresh_name()
        return write_private(str(self.tempdir), check_filename(str(name), 'filename'), lines)

    # -- spooling ------------------------------------------------------------------------
    def _ownership(self, paths):
        user = blank_to_none(self.user)
        group = self.group
        if user is not None and group is None:
            # pycall chowned to the user's own primary group.
            group = primary_group(user)
        return resolve_ownership(paths, owner=user, group=group)

    def spool(self, time=None):
        """Spool the call, due at ``time`` (a datetime, an ISO 8601 string or None for now).

        Returns the path of the file in ``outgoing``; ``.filename`` is its name.
        """
        due, _absolute = resolve_schedule(due_time(time), field='time')
        text = self.validate().render()
        check_mode(self.mode)
        if self.filename and not (self.is_1x and self.filename == self._named_by_us):
            filename = check_filename(str(self.filename), 'filename')
        else:
            filename = self._named_by_us = _fresh_name()
        paths = SpoolPaths(outgoing=str(self.spool_dir), staging=str(self.tempdir))
        check_spool_access(paths)
        uid, gid = self._ownership(paths)
        with spool_lock(paths):
            path = write_callfile(paths, filename, text, due, uid=uid, gid=gid, mode=self.mode)
        self.filename = filename
        return path

    def run(self, time=None):
        """pycall 1.x spelling of spool()."""
        return self.spool(time)
