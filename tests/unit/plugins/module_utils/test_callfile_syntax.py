# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import sys
import unicodedata

import pytest

from hypothesis import given, settings, strategies as st

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.syntax import (
    MAX_LINE_BYTES,
    check_text,
    escape,
    parse_lines,
    render_line,
)


@pytest.mark.parametrize('value, rule', [
    ('a\nApplication: System', 'control characters (found LF)'),
    ('a\rb', 'control characters (found CR)'),
    ('a\x00b', 'control characters (found NUL)'),
    ('a\tb', 'control characters (found tab)'),
    ('a\x1bb', 'control characters (found U+001B)'),
    ('a\x7fb', 'control characters (found U+007F)'),
    ('a\x85b', 'control characters (found U+0085)'),
    ('a\ud800b', 'lone surrogate'),
    (' lead', 'leading or trailing blanks'),
    ('trail ', 'leading or trailing blanks'),
    ('a #b', "blank followed by '#'"),
    ('', 'must not be empty'),
])
def test_check_text_refuses_values_that_change_meaning(value, rule):
    with pytest.raises(ValidationError) as info:
        check_text('data', value)
    assert info.value.field == 'data'
    assert rule in info.value.rule
    assert str(info.value).startswith('data: ')


def test_check_text_refuses_non_strings():
    with pytest.raises(ValidationError, match='must be a string'):
        check_text('data', 5)


@pytest.mark.parametrize('value', ['a#b', 'x=1,y=2', 'a;b', 'ü ñ 電話', '"Bob" <100>', 'a\\;b', '\\'])
def test_check_text_accepts_harmless_values(value):
    assert check_text('data', value) == value


def test_semicolon_is_escaped_and_read_back():
    line = render_line('Data', 'a;b;;c')
    assert line == 'Data: a\\;b\\;\\;c'
    assert parse_lines(line) == [('data', 'a;b;;c')]


def test_backslash_before_semicolon_survives():
    # The spooler removes only the backslash right before ';'.
    assert parse_lines(render_line('Data', 'a\\;b')) == [('data', 'a\\;b')]


def test_line_length_limit_counts_escapes_and_utf8():
    key = 'Data'
    room = MAX_LINE_BYTES - len('Data: ')
    assert len(render_line(key, 'x' * room)) == MAX_LINE_BYTES
    with pytest.raises(ValidationError, match='longer than 1022 bytes'):
        render_line(key, 'x' * (room + 1))
    with pytest.raises(ValidationError):
        render_line(key, ';' * (room // 2 + 1))
    with pytest.raises(ValidationError):
        render_line(key, '\u00e9' * (room // 2 + 1))


def test_parser_follows_the_spooler():
    text = (
        '# comment\n'
        'Channel: Local/1@a # trailing comment\n'
        'CHANNEL:    Local/2@b\t \r\n'
        'Data: a;comment\n'
        'Callerid: x#y\n'
        ' Account: untrimmed key\n'
        'no colon here\n'
        '\n'
    )
    assert parse_lines(text) == [
        ('channel', 'Local/1@a'),
        ('channel', 'Local/2@b'),
        ('data', 'a'),
        ('callerid', 'x#y'),
        (' account', 'untrimmed key'),
        (None, 'no colon here'),
    ]


def test_parser_reports_overlong_lines():
    text = 'Data: ' + 'x' * MAX_LINE_BYTES
    assert parse_lines(text) == [(None, text)]


def test_escape_only_touches_semicolons():
    assert escape('a\\b#c;d') == 'a\\b#c\\;d'


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_text_is_refused_or_survives_exactly(value):
    try:
        check_text('data', value)
        line = render_line('Data', value)
    except ValidationError:
        return
    # One directive in, the same one directive out: nothing injected.
    assert parse_lines(line + '\n') == [('data', value)]


def _spooler_reads(text):
    """pbx_spool's reading of a file, one character at a time: the model parse_lines must match."""
    pairs = []
    for raw in text.split('\n'):
        if len(raw.encode('utf-8')) > MAX_LINE_BYTES:
            pairs.append((None, raw))
            continue
        kept = []
        for index, char in enumerate(raw):
            if char == '#' and (index == 0 or raw[index - 1] in ' \t'):
                break
            if char == ';':
                if index and raw[index - 1] == '\\':
                    kept[-1] = ';'
                    continue
                break
            kept.append(char)
        while kept and ord(kept[-1]) < 33:
            kept.pop()
        if not kept:
            continue
        if ':' not in kept:
            pairs.append((None, raw))
            continue
        colon = kept.index(':')
        value = kept[colon + 1:]
        while value and ord(value[0]) < 33:
            value.pop(0)
        pairs.append((''.join(kept[:colon]).lower(), ''.join(value)))
    return pairs


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('aZ:=; \t#\\\r\x00\x1f\x7f\u00e9\u20ac\n')), max_size=80))
def test_parser_matches_a_character_model_of_the_spooler(text):
    assert parse_lines(text) == _spooler_reads(text)


@pytest.mark.parametrize('char, count', [
    ('x', 1016), ('x', 1017),                    # 1022 and 1023 bytes with 'Data: '
    ('\u00e9', 508), ('\u00e9', 509),            # 2 bytes each
    ('\u20ac', 338), ('\u20ac', 339),            # 3 bytes each
    ('\U0001f4de', 254), ('\U0001f4de', 255),    # 4 bytes each: 1022 and 1026 bytes
])
def test_line_limit_is_counted_in_utf8_bytes(char, count):
    line = 'Data: ' + char * count
    assert parse_lines(line) == _spooler_reads(line)
    over = len(line.encode('utf-8')) > MAX_LINE_BYTES
    assert (parse_lines(line)[0][0] is None) == over


def test_every_control_character_and_surrogate_is_refused():
    # All of them, not a sample: check_text skips its per-character look for printable values.
    refused = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) in ('Cc', 'Cs')]
    assert len(refused) == 65 + 2048
    for char in refused:
        with pytest.raises(ValidationError):
            check_text('data', 'a%sb' % char)
