# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE to the collection: its names may change in any release. The public library is callfile.
"""The line syntax of Asterisk call files, both ways.

Asterisk's spooler (pbx_spool) has no quoting: a newline starts a new
directive, ``#`` after a blank and any unescaped ``;`` start a comment,
leading blanks of a value are dropped and trailing characters below 33
are trimmed.  ``check_text`` refuses every value whose meaning would
change on that trip, ``render_line`` escapes the one character that has
an escape, and ``parse_lines`` reads a file back exactly as the spooler
does, so that ``parse(render(x)) == x`` holds for every accepted ``x``.
"""

import unicodedata

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError

# Asterisk reads lines into a fixed buffer; longer lines are skipped.
MAX_LINE_BYTES = 1022


def _describe(char):
    names = {'\n': 'LF', '\r': 'CR', '\x00': 'NUL', '\t': 'tab'}
    return names.get(char, 'U+%04X' % ord(char))


def check_text(field, value, allow_empty=False, allow_leading_blank=False):
    """Refuse a value that cannot travel through one call-file line intact."""
    if not isinstance(value, str):
        raise ValidationError(field, 'must be a string, not %s' % type(value).__name__, value)
    if value == '':
        if allow_empty:
            return value
        raise ValidationError(field, 'must not be empty', value)
    # isprintable() is false for every Cc and Cs character (and a few harmless
    # others, such as U+00A0): a printable value needs no look at each character.
    for char in () if value.isprintable() else value:
        # Cc covers C0 (CR, LF, NUL...), DEL and C1; Cs are lone surrogates
        # that cannot be written as UTF-8 at all.
        category = unicodedata.category(char)
        if category == 'Cc':
            raise ValidationError(field, 'must not contain control characters (found %s)' % _describe(char), value)
        if category == 'Cs':
            raise ValidationError(field, 'must be valid Unicode text (found a lone surrogate)', value)
    if value[-1] in ' \u00a0' or (value[0] == ' ' and not allow_leading_blank):
        # Asterisk trims trailing blanks and drops leading ones.
        raise ValidationError(field, 'must not have leading or trailing blanks', value)
    # A leading '#' is fine: render_line writes it right after the colon,
    # where it is not a comment.
    if ' #' in value:
        raise ValidationError(field, "must not contain a blank followed by '#' (Asterisk reads it as a comment)", value)
    return value


def escape(value):
    """Protect ``;`` from the comment stripper; it is the only escape there is."""
    return value.replace(';', '\\;')


def render_line(key, value, field=None):
    """One ``Key: value`` line, checked for length after escaping."""
    # '#' after a blank starts a comment, after the colon it does not.
    line = '%s%s%s' % (key, ':' if value.startswith('#') else ': ', escape(value))
    if len(line.encode('utf-8')) > MAX_LINE_BYTES:
        raise ValidationError(field or key, 'line would be longer than %d bytes, which Asterisk skips' % MAX_LINE_BYTES, value)
    return line


def _strip_comments(line):
    # '#' is a comment at line start or after a blank or tab.
    start = 0
    while True:
        pos = line.find('#', start)
        if pos < 0:
            break
        if pos == 0 or line[pos - 1] in ' \t':
            line = line[:pos]
            break
        start = pos + 1
    # ';' is a comment unless written '\;', whose backslash is removed.
    out = []
    pos = 0
    while True:
        semi = line.find(';', pos)
        if semi < 0:
            out.append(line[pos:])
            break
        if semi > 0 and line[semi - 1] == '\\':
            out.append(line[pos:semi - 1])
            out.append(';')
            pos = semi + 1
        else:
            out.append(line[pos:semi])
            break
    return ''.join(out)


# The characters Asterisk trims around values: every one below 33.
_LOW = ''.join(chr(code) for code in range(33))

# A line of this many characters or fewer cannot exceed MAX_LINE_BYTES in
# UTF-8 (4 bytes at most each), so only longer lines need encoding to measure.
_SURELY_SHORT = MAX_LINE_BYTES // 4


def parse_lines(text):
    """Split call-file text into ``(key, value)`` pairs the way pbx_spool does.

    Keys are returned lower-cased (Asterisk compares them without case but
    does not trim them).  Lines without ``:`` and over-long lines are
    returned as ``(None, raw_line)`` so callers can report them.
    """
    # Runs once per line of every archived file a listing reads: the common
    # line (short, no comment character) takes no helper call.
    pairs = []
    append = pairs.append
    for raw in text.split('\n'):
        if len(raw) > _SURELY_SHORT and len(raw.encode('utf-8')) > MAX_LINE_BYTES:
            append((None, raw))
            continue
        line = _strip_comments(raw) if '#' in raw or ';' in raw else raw
        line = line.rstrip(_LOW)
        if not line:
            continue
        colon = line.find(':')
        if colon < 0:
            append((None, raw))
            continue
        append((line[:colon].lower(), line[colon + 1:].lstrip(_LOW)))
    return pairs
