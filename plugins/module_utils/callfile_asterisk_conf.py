# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""asterisk.conf's [directories], read the way Asterisk's config.c reads it.

Getting this wrong is silent and total: calls spooled into a directory
Asterisk does not watch are never placed.  So the rules that decide where
Asterisk looks are followed exactly: a template section ``[x](!)`` is
ignored (stock configs ship ``[directories](!)``, so the compiled-in
default applies), a section ``[x](tpl)`` starts with its templates' values,
``[x](+)`` adds to an earlier ``[x]``, only the first real ``[directories]``
counts and in it the last value wins, ``;`` comments (``\\;`` escapes),
``;-- --;`` block comments, ``=>`` is ``=``, and ``#include`` /
``#tryinclude`` are followed (relative to /etc/asterisk, glob patterns
allowed, a bounded depth).  What cannot be followed (``#exec``, a missing
``#include``, a symlink, a non-regular or huge file) raises SpoolError
naming the file, so the caller can say "set spool_dir".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import glob
import os
import stat

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_errors import SpoolError

ASTERISK_CONF = '/etc/asterisk/asterisk.conf'
CONFIG_DIR = '/etc/asterisk'
DEFAULT_DIRECTORIES = {
    'astspooldir': '/var/spool/asterisk',
    'astrundir': '/var/run/asterisk',
}
MAX_CONF_BYTES = 1024 * 1024
MAX_INCLUDE_DEPTH = 8
MAX_PID_BYTES = 64


class _Unreadable(SpoolError):
    """The file exists but this account may not read it."""


def read_bounded(path, limit=MAX_CONF_BYTES, what='file'):
    """The bytes of a regular file, never following a symlink or blocking on a FIFO.

    Returns None when the file does not exist.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        if exc.errno == errno.ELOOP:
            raise SpoolError('%s %s is a symlink, which is not followed; set spool_dir explicitly' % (what, path), path)
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise _Unreadable('cannot read %s %s: %s' % (what, path, exc.strerror), path)
        raise SpoolError('cannot read %s %s: %s' % (what, path, exc.strerror), path)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SpoolError('%s %s is not a regular file; set spool_dir explicitly' % (what, path), path)
        if info.st_size > limit:
            raise SpoolError('%s %s is larger than %d bytes; set spool_dir explicitly' % (what, path, limit), path)
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(65536, left))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b''.join(chunks)
        if len(data) > limit:
            raise SpoolError('%s %s grew past %d bytes while read; set spool_dir explicitly' % (what, path, limit), path)
        return data
    finally:
        os.close(fd)


class _Category:
    def __init__(self, name, template, where):
        self.name = name
        self.template = template
        self.where = where
        # (key lower-cased, value, where)
        self.values = []


def _strip_comments(line, in_block):
    """(text outside comments, still inside a block comment) for one line."""
    out = []
    pos = 0
    while pos < len(line):
        if in_block:
            end = line.find('--;', pos)
            if end < 0:
                return ''.join(out), in_block
            in_block -= 1
            pos = end + 3
            continue
        semi = line.find(';', pos)
        if semi < 0:
            out.append(line[pos:])
            break
        if semi > 0 and line[semi - 1] == '\\':
            out.append(line[pos:semi - 1] + ';')
            pos = semi + 1
            continue
        out.append(line[pos:semi])
        if line.startswith(';--', semi):
            in_block += 1
            pos = semi + 3
            continue
        break
    return ''.join(out), in_block


def _include_targets(argument, directive, where):
    name = argument.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in '"<':
        name = name[1:-1]
    elif name[:1] in '"<' and len(name) >= 2 and name[-1] in '">':
        name = name[1:-1]
    if not name:
        raise SpoolError('%s: #%s without a file name; set spool_dir explicitly' % (where, directive), where)
    if not name.startswith('/'):
        name = os.path.join(CONFIG_DIR, name)
    if any(char in name for char in '*?['):
        return sorted(glob.glob(name))
    return [name]


def _parse(path, categories, depth, state, where_from=None):
    if depth > MAX_INCLUDE_DEPTH:
        raise SpoolError('%s: #include nested deeper than %d levels; set spool_dir explicitly'
                         % (where_from, MAX_INCLUDE_DEPTH), path)
    data = read_bounded(path, what='Asterisk config file')
    if data is None:
        return False
    text = data.decode('utf-8', 'replace')
    in_block = 0
    for number, raw in enumerate(text.splitlines(), 1):
        where = '%s:%d' % (path, number)
        line, in_block = _strip_comments(raw, in_block)
        line = line.strip()
        if not line:
            continue
        if line.startswith('#'):
            directive, _sep, argument = line[1:].partition(' ')
            directive = directive.lower()
            if directive in ('include', 'tryinclude'):
                for target in _include_targets(argument, directive, where):
                    if not _parse(target, categories, depth + 1, state, where) and directive == 'include':
                        raise SpoolError('%s: #include %s: no such file; Asterisk would refuse this config. '
                                         'Set spool_dir explicitly' % (where, target), target)
                continue
            raise SpoolError('%s: #%s is not followed (it runs a program or is unknown); set spool_dir explicitly'
                             % (where, directive), path)
        if line.startswith('['):
            close = line.find(']')
            if close < 0:
                # config.c rejects the whole file for this; so do we, loudly.
                raise SpoolError('%s: section header without ]; Asterisk would refuse this config' % where, path)
            name = line[1:close].strip()
            options = line[close + 1:].strip()
            template, parents, append = False, [], False
            if options.startswith('(') and options.endswith(')'):
                for option in options[1:-1].split(','):
                    option = option.strip()
                    if option == '!':
                        template = True
                    elif option == '+':
                        append = True
                    elif option:
                        parents.append(option)
            current = None
            if append:
                for earlier in reversed(categories):
                    if earlier.name.lower() == name.lower():
                        current = earlier
                        break
            if current is None:
                current = _Category(name, template, where)
                for parent in parents:
                    base = [c for c in categories if c.name.lower() == parent.lower()]
                    if not base:
                        raise SpoolError('%s: section inherits from unknown template %s; Asterisk would refuse '
                                         'this config' % (where, parent), path)
                    current.values.extend(base[-1].values)
                categories.append(current)
            state['current'] = current
            continue
        key, sep, value = line.partition('=')
        if not sep:
            continue
        current = state.get('current')
        if current is None:
            continue
        value = value[1:] if value.startswith('>') else value
        current.values.append((key.strip().lower(), value.strip(), where))
    return True


def read_directories(asterisk_conf=ASTERISK_CONF):
    """``{key: (value, where)}`` for Asterisk's directories; defaults where unset.

    ``where`` is ``file:line`` of the value in effect, or a sentence
    saying why the compiled-in default applies.
    """
    categories = []
    unreadable = None
    try:
        found = _parse(asterisk_conf, categories, 0, {})
    except _Unreadable as exc:
        # An unprivileged run (Asterisk's group, or none) often cannot read a
        # 0640 asterisk.conf.  Failing here would hide the real problem, the
        # spool it cannot reach either, which the spool check explains.
        if exc.path != asterisk_conf:
            raise
        found, categories, unreadable = True, [], exc.path
    result = {}
    real = [c for c in categories if c.name.lower() == 'directories' and not c.template]
    templates = [c for c in categories if c.name.lower() == 'directories' and c.template]
    for key, default in DEFAULT_DIRECTORIES.items():
        if unreadable:
            why = 'default (%s is not readable by this account; set spool_dir if astspooldir differs)' % unreadable
        elif not found:
            why = 'default (%s does not exist)' % asterisk_conf
        elif real:
            why = 'default (not set in [directories] at %s)' % real[0].where
        elif templates:
            why = 'default ([directories] at %s is a template, which Asterisk ignores)' % templates[0].where
        else:
            why = 'default (%s has no [directories] section)' % asterisk_conf
        result[key] = (default, why)
    if real:
        for key, value, where in real[0].values:
            if key in result and value:
                result[key] = (value, where)
    return result


def spool_root_info(asterisk_conf=ASTERISK_CONF):
    """(astspooldir, where it came from)."""
    return read_directories(asterisk_conf)['astspooldir']


def running_asterisk(asterisk_conf=ASTERISK_CONF, proc='/proc'):
    """``(pid, started_epoch)`` of the Asterisk running now, ``(None, None)`` if none, None if unknown.

    Asterisk rewrites ``<astrundir>/asterisk.pid`` when it starts (also
    when it restarts in place under the same pid), so the file's mtime is
    when the current Asterisk began.  Without the file, or without /proc
    to check the pid, nothing is claimed.
    """
    try:
        run_dir = read_directories(asterisk_conf)['astrundir'][0]
        pid_file = os.path.join(run_dir, 'asterisk.pid')
        data = read_bounded(pid_file, limit=MAX_PID_BYTES, what='Asterisk pid file')
        if data is None or not os.path.isdir(proc):
            return None
        pid = int(data.decode('ascii', 'replace').strip())
        since = os.stat(pid_file, follow_symlinks=False).st_mtime
    except (SpoolError, OSError, ValueError):
        return None
    try:
        comm = read_bounded(os.path.join(proc, str(pid), 'comm'), limit=MAX_PID_BYTES, what='process name')
    except SpoolError:
        return None
    if comm is None or not comm.decode('ascii', 'replace').strip().startswith('asterisk'):
        return (None, None)
    return (pid, since)
