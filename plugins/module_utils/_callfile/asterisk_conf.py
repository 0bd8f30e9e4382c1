# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
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

import errno
import glob
import grp
import os
import pwd
import stat

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.asterisk_daemon import (
    PROC,
    Unknown,
    find_daemons,
    inspect_process,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import SpoolError

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


def _load(asterisk_conf):
    """(sections, whether the file exists, the path when this account may not read it)."""
    categories = []
    try:
        found = _parse(asterisk_conf, categories, 0, {})
    except _Unreadable as exc:
        # An unprivileged run (Asterisk's group, or none) often cannot read a
        # 0640 asterisk.conf.  Failing here would hide the real problem, the
        # spool it cannot reach either, which the spool check explains.
        if exc.path != asterisk_conf:
            raise
        return [], True, exc.path
    return categories, found, None


def _read_section(asterisk_conf, section, defaults):
    """``{key: (value, where)}`` for ``defaults``' keys in Asterisk's ``[section]``."""
    categories, found, unreadable = _load(asterisk_conf)
    result = {}
    real = [c for c in categories if c.name.lower() == section and not c.template]
    templates = [c for c in categories if c.name.lower() == section and c.template]
    for key, default in defaults.items():
        if unreadable:
            why = 'default (%s is not readable by this account; set spool_dir if astspooldir differs)' % unreadable
        elif not found:
            why = 'default (%s does not exist)' % asterisk_conf
        elif real:
            why = 'default (not set in [%s] at %s)' % (section, real[0].where)
        elif templates:
            why = 'default ([%s] at %s is a template, which Asterisk ignores)' % (section, templates[0].where)
        else:
            why = 'default (%s has no [%s] section)' % (asterisk_conf, section)
        result[key] = (default, why)
    if real:
        for key, value, where in real[0].values:
            if key in result and value:
                result[key] = (value, where)
    return result


def read_directories(asterisk_conf=ASTERISK_CONF):
    """``{key: (value, where)}`` for Asterisk's directories; defaults where unset.

    ``where`` is ``file:line`` of the value in effect, or a sentence
    saying why the compiled-in default applies.
    """
    return _read_section(asterisk_conf, 'directories', DEFAULT_DIRECTORIES)


def spool_root_info(asterisk_conf=ASTERISK_CONF):
    """(astspooldir, where it came from)."""
    return read_directories(asterisk_conf)['astspooldir']


def running_asterisk(asterisk_conf=ASTERISK_CONF, proc=PROC, root='/', trusted_uid=0):
    """``(pid, started_epoch)`` of the Asterisk running now, ``(None, None)`` if none, None if unknown.

    Asterisk rewrites ``<astrundir>/asterisk.pid`` when it starts (also
    when it restarts in place under the same pid), so the file's mtime is
    when the current Asterisk began.  The file is only a hint (Asterisk's
    account writes it): the pid counts only when its executable is
    Asterisk's (asterisk_daemon).  Without the file, or without
    /proc to check the pid, or when this account may not inspect the
    process (it is not root), nothing is claimed.
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
    if pid <= 0:
        return (None, None)
    try:
        daemon = inspect_process(pid, proc, root, trusted_uid)
    except Unknown:
        return None
    if daemon is None:
        return (None, None)
    return (pid, since)


DEFAULT_ACCOUNT = 'asterisk'


def _account_from_conf(asterisk_conf):
    options = _read_section(asterisk_conf, 'options', {'runuser': '', 'rungroup': ''})
    return options['runuser'], options['rungroup']


def _user_entry(name):
    try:
        entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name)
    except (KeyError, OverflowError, ValueError):
        return None
    return entry


def _group_entry(name):
    try:
        entry = grp.getgrgid(int(name)) if name.isdigit() else grp.getgrnam(name)
    except (KeyError, OverflowError, ValueError):
        return None
    return entry


def asterisk_account(asterisk_conf=ASTERISK_CONF, proc=PROC, root='/', trusted_uid=0):
    """The user and group Asterisk runs as, each with how it was found.

    The first that answers wins: the running daemon (told by its
    executable), ``runuser``/``rungroup`` in ``[options]`` of asterisk.conf
    (without ``rungroup`` Asterisk takes the user's primary group), else
    the account Asterisk's packages create, ``asterisk``.  Daemons of
    several users answer nothing: ``user.name`` is None and the source says
    who they are.  A name that does not exist has ``uid``/``gid`` None.
    """
    daemons, unchecked = find_daemons(proc, root, trusted_uid)
    result = {'daemons': daemons, 'daemons_unchecked': unchecked}
    users = sorted(set((d['uid'], d['user']) for d in daemons))
    if len(users) > 1:
        why = 'Asterisk daemons run as several users (%s)' % ', '.join(
            '%s (pid %s)' % (name, ', '.join(str(d['pid']) for d in daemons if d['uid'] == uid)) for uid, name in users)
        result['user'] = {'name': None, 'uid': None, 'source': why}
        result['group'] = {'name': None, 'gid': None, 'source': why}
        return result
    if daemons:
        daemon = daemons[0]
        why = 'running daemon %s (pid %d)' % (daemon['exe'], daemon['pid'])
        result['user'] = {'name': daemon['user'], 'uid': daemon['uid'], 'source': why}
        result['group'] = {'name': daemon['group'], 'gid': daemon['gid'], 'source': why}
        return result
    (runuser, user_where), (rungroup, group_where) = _account_from_conf(asterisk_conf)
    if runuser:
        user_name, user_source = runuser, 'runuser at %s' % user_where
    else:
        user_name, user_source = DEFAULT_ACCOUNT, 'default (no Asterisk daemon running, runuser %s)' % user_where
    user = _user_entry(user_name)
    result['user'] = {'name': user.pw_name if user else user_name, 'uid': user.pw_uid if user else None,
                      'source': user_source}
    if rungroup:
        group = _group_entry(rungroup)
        result['group'] = {'name': group.gr_name if group else rungroup, 'gid': group.gr_gid if group else None,
                           'source': 'rungroup at %s' % group_where}
    else:
        group = _group_entry(str(user.pw_gid)) if user else None
        result['group'] = {'name': group.gr_name if group else (str(user.pw_gid) if user else None),
                           'gid': user.pw_gid if user else None,
                           'source': 'primary group of %s (%s)' % (user_name, user_source)}
    return result


def writable_by_others(path, trusted_uid=0):
    """Why an account other than root can change ``path`` (a list of reasons), None if it does not exist.

    Checked on the path itself (no symlink followed) and on every directory
    above it, since whoever may rename an entry on the way can put another
    file or directory in its place.  A sticky directory (``/tmp``) lets
    others add entries but not replace ones they do not own.  For a path
    that does not exist, whoever could create it first: the directories
    above it.  None when not even its parent exists.
    """
    path = os.path.normpath(path)
    try:
        own = os.lstat(path)
    except OSError:
        own = None
        if not os.path.isdir(os.path.dirname(path)):
            return None
    reasons = _others_can_change(path, own, trusted_uid) if own else []
    parent = os.path.dirname(path)
    # a missing entry in a sticky directory can be made by anyone
    child_uid = own.st_uid if own else -1
    while True:
        try:
            info = os.lstat(parent)
        except OSError:
            break
        if info.st_uid != trusted_uid:
            reasons.append('%s is owned by %s' % (parent, _owner(info.st_uid)))
        elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not (
                info.st_mode & stat.S_ISVTX and child_uid == trusted_uid):
            reasons.append('%s is %s-writable' % (parent, 'world' if info.st_mode & stat.S_IWOTH else 'group'))
        if parent == os.path.dirname(parent):
            break
        child_uid = info.st_uid
        parent = os.path.dirname(parent)
    return reasons


def _owner(uid):
    try:
        return '%s (uid %d)' % (pwd.getpwuid(uid).pw_name, uid)
    except KeyError:
        return 'uid %d' % uid


def _others_can_change(path, info, trusted_uid):
    reasons = []
    if stat.S_ISLNK(info.st_mode):
        reasons.append('%s is a symlink' % path)
    if info.st_uid != trusted_uid:
        reasons.append('%s is owned by %s' % (path, _owner(info.st_uid)))
    if info.st_mode & stat.S_IWOTH:
        reasons.append('%s is world-writable' % path)
    elif info.st_mode & stat.S_IWGRP:
        reasons.append('%s is group-writable' % path)
    return reasons


def spool_facts(outgoing, asterisk_conf=ASTERISK_CONF, known=None):
    """What a host's spool looks like from here: the ``spool`` result of asterisk_callfile_info."""
    root = os.path.dirname(os.path.normpath(outgoing))
    facts = dict(known or {}, root=root, asterisk_conf=asterisk_conf)
    account = asterisk_account(asterisk_conf)
    facts.update(account)
    facts['root_writable_by_others'] = writable_by_others(root)
    facts['asterisk_conf_writable_by_others'] = writable_by_others(asterisk_conf)
    return facts
