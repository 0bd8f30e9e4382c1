# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""What pycall 1.x and 2.x programs expect of the writer, kept apart from it.

Private helpers of ``callfile.CallFile``: pycall's type rules, its
``render()`` lines, its reading of 1.x "unset" values, its time argument
and its ``user=`` ownership, each reduced to what stays safe.  Nothing
here writes into the spool; ``write_private`` only makes ``writefile()``'s
scratch copy.
"""

import datetime
import errno
import os
import pwd
import stat
import unicodedata

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import (
    CallExistsError,
    ScheduleError,
    SpoolAccessError,
    SpoolError,
    ValidationError,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.syntax import check_text, render_line

# pycall 2.x's Call.is_valid(): these must be real ints (a string '10' was invalid).
INT_FIELDS = ('wait_time', 'retry_time', 'max_retries')
# writefile()'s scratch copy carries the same variables as the call: owner only.
SCRATCH_MODE = 0o600


def blank_to_none(value):
    """pycall 1.x wrote '' and 0 (and False, {}) for "not set"."""
    if value is None or value == '' or value == {}:
        return None
    if not isinstance(value, str) and value == 0:
        return None
    return value


def check_pycall_types(call):
    """pycall 2.x's own rules for a Call, before ours: ints are ints, variables a mapping or pairs."""
    for field in INT_FIELDS:
        value = getattr(call, field, None)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValidationError(field, 'must be an integer (not %s)' % type(value).__name__, value)
    variables = getattr(call, 'variables', None)
    if variables and isinstance(variables, (str, bytes)):
        raise ValidationError('variables', 'must be a mapping of names to values', variables)


def variables_for_asterisk(variables):
    """pycall wrote True/False with str(): 'True'/'False', which Asterisk's ast_true/ast_false read so."""
    if not variables:
        return variables
    items = variables.items() if isinstance(variables, dict) else variables
    out = []
    for item in items:
        if isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], bool):
            item = (item[0], str(item[1]))
        out.append(item)
    return out


def legacy_callerid(name, num):
    """pycall 1.x's callerid_name/callerid_num as one Callerid value."""
    name, num = blank_to_none(name), blank_to_none(num)
    if name is None and num is None:
        return None
    if name is None:
        return '<%s>' % num
    if num is None:
        return '"%s"' % name
    return '"%s" <%s>' % (name, num)


def render_lines(pairs):
    """pycall's ``render()``: ``Key: value`` lines as given, refused only if a value would inject a line.

    ``render()`` shows what a Call or an action says; the rules Asterisk
    needs are applied by ``is_valid()`` and ``spool()``.
    """
    lines = []
    for key, value, field in pairs:
        if value is None:
            continue
        text = value if isinstance(value, str) else str(value)
        for char in text:
            if unicodedata.category(char) in ('Cc', 'Cs'):
                raise ValidationError(field, 'must not contain control characters', value)
        lines.append(render_line(key, text, field))
    return lines


def due_time(when):
    """pycall's time argument: a datetime (or date) or None; anything else is InvalidTimeError.

    pycall 2.x raised InvalidTimeError for ``spool(666)``; epoch seconds are
    not taken as a time here, so a stray number never dials at once.
    Strings keep the writer's own forms (ISO 8601, '+5m').
    """
    if when is None or isinstance(when, (datetime.date, str)):
        return when
    raise ScheduleError('time', 'must be a datetime (pycall: InvalidTimeError), not %s' % type(when).__name__, when)


def primary_group(user):
    """The gid pycall gave the file for ``user=X``: X's primary group (None: no passwd entry for a uid)."""
    try:
        if isinstance(user, int) and not isinstance(user, bool):
            return pwd.getpwuid(user).pw_gid
        if isinstance(user, str) and user.isdigit():
            return pwd.getpwuid(int(user)).pw_gid
        return pwd.getpwnam(user).pw_gid
    except (KeyError, TypeError):
        return None


def check_spool_access(paths):
    """A process that is not root and cannot write the spool gets pycall's NoSpoolPermissionError.

    Checked before anything is written, so nothing is left half-staged.
    """
    if os.geteuid() == 0:
        return
    for label, path in (('spool_dir', paths.outgoing), ('tempdir', paths.staging)):
        try:
            info = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.EACCES:
                raise SpoolAccessError('%s: this process (uid %d) cannot reach %s: %s'
                                       % (label, os.geteuid(), path, exc.strerror), path)
            continue
        if stat.S_ISDIR(info.st_mode) and not os.access(path, os.W_OK | os.X_OK):
            raise SpoolAccessError('%s: this process (uid %d) may not write into %s; run as root or as '
                                   "Asterisk's user" % (label, os.geteuid(), path), path)


def write_private(directory, filename, lines):
    """writefile(): the call file's text as ``directory/filename``, owner-only, never through a link.

    Refuses to replace an existing file (pycall overwrote it, following symlinks).
    """
    for line in lines:
        check_text('writefile', line)
    path = os.path.join(directory, filename)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, SCRATCH_MODE)
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise CallExistsError('filename: %s already exists' % path, path)
        raise SpoolError('tempdir: cannot create %s: %s' % (path, exc.strerror), path)
    try:
        data = ''.join(line + '\n' for line in lines).encode('utf-8')
        while data:
            data = data[os.write(fd, data):]
        os.fchmod(fd, SCRATCH_MODE)
    except OSError as exc:
        os.close(fd)
        os.unlink(path)
        raise SpoolError('tempdir: cannot write %s: %s' % (path, exc.strerror), path)
    os.close(fd)
    return path
