# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call-file writer: pycall's API, done safely.

Usable on its own (standard library only)::

    from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import CallFile
    CallFile(trunk_type='Local', trunk_name='from-internal', number='18002223333',
             application='Playback', data='hello-world').run()

Both pycall shapes work: 1.x's keyword form with ``run(time)`` and
``user``, and 2.x's ``CallFile(Call(...), Application(...)).spool(time)``.
Validation happens when the object is built, before any disk work; the
file is staged beside the spool, handed to Asterisk's user, dated, and
renamed into ``outgoing`` in one step.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import uuid

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_errors import (  # noqa: F401 pylint: disable=unused-import
    CallExistsError,
    CallFileError,
    InvalidTimeError,
    NoPermissionError,
    NoPermissionException,
    NoSpoolPermissionError,
    NoUserError,
    NoUserException,
    NoUserPermissionError,
    PycallError,
    ScheduleError,
    SpoolError,
    StagingFilesystemError,
    ValidationError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_model import (  # noqa: F401 pylint: disable=unused-import
    CallRecord,
    CallSpec,
    build_channel,
    check_mode,
    parse_callfile,
)
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_schedule import (  # noqa: F401 pylint: disable=unused-import
    iso_utc,
    resolve_schedule,
)
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_spool import (  # noqa: F401 pylint: disable=unused-import
    DEFAULT_MODE,
    SpoolPaths,
    check_filename,
    resolve_ownership,
    spool_lock,
    spool_root,
    write_callfile,
)

CALL_SUFFIX = '.call'


def call_filename(name, text, due, salt=''):
    """File name of one version of a named call.

    The digest covers content and due time because Asterisk keeps the
    first due time it saw for a file name: a changed call needs a new one.
    ``salt`` makes a deliberate repeat of the same call a file of its own.
    """
    digest = hashlib.sha256(('%s\0%d\0%s' % (text, due, salt)).encode('utf-8')).hexdigest()[:16]
    return '%s.%s%s' % (name, digest, CALL_SUFFIX)


def name_of(filename):
    """The call name a spooled file belongs to, or None if not one of ours."""
    if not filename.endswith(CALL_SUFFIX):
        return None
    stem = filename[:-len(CALL_SUFFIX)]
    name, sep, digest = stem.rpartition('.')
    if not sep or len(digest) != 16 or not name:
        return None
    try:
        int(digest, 16)
    except ValueError:
        return None
    return name


def call_state(location, record):
    """pending, in_progress, completed, failed, expired (or unknown) for a file.

    in_progress covers every file Asterisk has started on (dialling,
    between attempts or stuck); ``record.phase()`` tells them apart.
    """
    if location == 'outgoing':
        return 'in_progress' if record.in_flight else 'pending'
    status = (record.status or '').lower()
    return status if status in ('completed', 'failed', 'expired') else 'unknown'


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


class Application:
    """pycall 2.x's Application: run ``application(data)`` once answered."""

    def __init__(self, application, data=None):
        self.application = application
        self.data = data


class Context:
    """pycall 2.x's Context: continue in the dialplan once answered."""

    def __init__(self, context, extension, priority=1):
        self.context = context
        self.extension = extension
        self.priority = priority


def _blank_to_none(value):
    # pycall 1.x used '' and 0 for "not set".
    return None if value in ('', 0, None) or value == {} else value


class CallFile:
    """A call file ready to spool.

    pycall 2.x form: ``CallFile(call, action, archive=None, filename=None,
    tempdir=None, user=None, spool_dir=None)``; pycall 1.x form: keyword
    arguments ``trunk_type``, ``trunk_name``, ``number`` (or ``channel``),
    ``application``/``data`` or ``context``/``extension``/``priority``,
    ``callerid_name``, ``callerid_num``, ``set_var``, ``user`` ...
    """

    def __init__(self, call=None, action=None, archive=None, filename=None, tempdir=None,
                 user=None, spool_dir=None, group=None, mode=DEFAULT_MODE, always_delete=None,
                 trunk_type=None, trunk_name=None, number=None, channel=None,
                 application=None, data=None, context=None, extension=None, priority=None,
                 callerid=None, callerid_name=None, callerid_num=None, wait_time=None,
                 retry_time=None, max_retries=None, account=None, set_var=None, variables=None,
                 codecs=None, early_media=None):
        if call is None:
            call = Call(self._legacy_channel(channel, trunk_type, trunk_name, number),
                        callerid=_blank_to_none(callerid) or _legacy_callerid(callerid_name, callerid_num),
                        variables=_blank_to_none(variables) or _blank_to_none(set_var),
                        account=_blank_to_none(account), wait_time=_blank_to_none(wait_time),
                        retry_time=_blank_to_none(retry_time), max_retries=_blank_to_none(max_retries),
                        codecs=codecs, early_media=early_media)
        elif not isinstance(call, Call):
            raise TypeError('call must be a Call; for the pycall 1.x form pass keyword arguments')
        if action is None:
            if _blank_to_none(application) is not None:
                action = Application(application, _blank_to_none(data))
            elif _blank_to_none(extension) is not None or _blank_to_none(context) is not None:
                action = Context(_blank_to_none(context), _blank_to_none(extension), _blank_to_none(priority) or 1)
        self.call = call
        self.action = action
        self.archive = archive
        self.always_delete = always_delete
        self.user = _blank_to_none(user)
        self.group = group
        self.mode = mode
        self.filename = filename
        self.paths = SpoolPaths(outgoing=spool_dir, staging=tempdir)
        self.spec = self._build_spec()

    @staticmethod
    def _legacy_channel(channel, trunk_type, trunk_name, number):
        if _blank_to_none(channel) is not None:
            return channel
        if trunk_type is None and trunk_name is None and number is None:
            raise ValidationError('channel', 'is required (or trunk_type, trunk_name and number)', None)
        return build_channel(trunk_type, trunk_name, number)

    def _build_spec(self):
        call, action = self.call, self.action
        kwargs = {}
        if isinstance(action, Application):
            kwargs.update(application=action.application, data=action.data)
        elif isinstance(action, Context):
            kwargs.update(context=action.context, extension=action.extension, priority=action.priority)
        elif action is None:
            raise ValidationError('application', 'either application or context + extension is required', None)
        else:
            raise TypeError('action must be an Application or a Context')
        return CallSpec(call.channel, callerid=call.callerid, wait_time=call.wait_time,
                        retry_time=call.retry_time, max_retries=call.max_retries, account=call.account,
                        variables=call.variables, codecs=call.codecs, early_media=call.early_media,
                        always_delete=self.always_delete, archive=self.archive, **kwargs)

    @property
    def contents(self):
        return self.spec.render()

    def buildfile(self):
        """pycall 2.x: the file's lines."""
        return self.contents.splitlines()

    def is_valid(self):
        """Always true: an invalid call cannot be built in the first place."""
        return True

    def __str__(self):
        return self.contents

    def spool(self, time=None):
        """Spool the call, due at ``time`` (datetime, epoch seconds or None for now).

        Returns the path of the file in ``outgoing``.
        """
        due, _absolute = resolve_schedule(time, field='time')
        check_mode(self.mode)
        if self.filename:
            filename = check_filename(self.filename, 'filename')
        else:
            # Like pycall, every run() is a new call unless a filename is given.
            # The random token salts the digest too, so no variable value can be recovered from the name.
            token = uuid.uuid4().hex
            filename = call_filename('pycall-%s' % token, self.contents, due, salt=token)
        uid, gid = resolve_ownership(self.paths, owner=self.user, group=self.group)
        with spool_lock(self.paths):
            return write_callfile(self.paths, filename, self.contents, due, uid=uid, gid=gid, mode=self.mode)

    def run(self, time=None):
        """pycall 1.x spelling of spool()."""
        return self.spool(time)


def _legacy_callerid(name, num):
    name, num = _blank_to_none(name), _blank_to_none(num)
    if name is None and num is None:
        return None
    if name is None:
        return '<%s>' % num
    if num is None:
        return '"%s"' % name
    return '"%s" <%s>' % (name, num)
