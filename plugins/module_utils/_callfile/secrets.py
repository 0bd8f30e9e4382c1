# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""Keeping secret variable values out of everything a run returns.

Ansible masks the values of ``no_log`` options, but only in the form the
user typed them.  A call file holds them in its own form: ``;`` becomes
``\\;`` and the value sits in a ``Set: NAME=value`` line, and the file of a
call whose secret was rotated holds the *old* value, which this run was
never told.  So a result is redacted by the variable's name, line by
line, whatever value the line holds, and then every known form of every
secret value is masked in what is left.
"""

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.syntax import escape

MASK = '********'
_SET_KEYS = ('set', 'setvar')


def secret_forms(values):
    """Every form a secret value can take in a call file or a message, longest first."""
    forms = set()
    for value in values:
        if value is None or isinstance(value, bool):
            continue
        text = str(value)
        if not text:
            continue
        forms.add(text)
        # How render_line writes it: the only escape Asterisk's reader knows.
        forms.add(escape(text))
    return sorted(forms, key=lambda form: (-len(form), form))


def mask(text, forms):
    """``text`` with every occurrence of every form replaced by MASK."""
    if not text or not forms:
        return text
    for form in forms:
        text = text.replace(form, MASK)
    return text


def _set_line_name(line):
    """The variable name of a ``Set:``/``SetVar:`` line (any case, blanks), else None."""
    key, sep, rest = line.partition(':')
    if not sep or key.strip().lower() not in _SET_KEYS:
        return None
    name, sep, _value = rest.lstrip(' \t').partition('=')
    return name if sep else None


def redact_variables(text, names=None, keep=()):
    """``text`` (call-file lines) with the value of each ``Set`` of a name in ``names`` replaced by MASK.

    With ``names=None`` every variable's value is redacted except those
    named in ``keep``: for a file read from the spool, whose variables may
    have been secret when it was written.
    """
    if not text or names is not None and not names:
        return text
    out = []
    for line in text.splitlines(True):
        body = line.rstrip('\r\n')
        name = _set_line_name(body)
        if name is not None and (names is None or name in names) and name not in keep:
            head = body[:body.index('=', body.index(':')) + 1]
            line = head + MASK + line[len(body):]
        out.append(line)
    return ''.join(out)


class Redactor:
    """What a run knows about its secrets: the variable names and their values."""

    def __init__(self, secret_variables=None):
        # A mapping, or (name, value) pairs when several calls each have their own.
        pairs = list(secret_variables.items()) if isinstance(secret_variables, dict) else list(secret_variables or ())
        self.names = frozenset(name for name, _value in pairs)
        self.forms = secret_forms(value for _name, value in pairs)

    def __bool__(self):
        return bool(self.names or self.forms)

    __nonzero__ = __bool__

    def text(self, text):
        """A call file's text or a message: secret lines by name, then every known value."""
        return mask(redact_variables(text, self.names), self.forms)

    def message(self, text):
        return mask(text, self.forms)
