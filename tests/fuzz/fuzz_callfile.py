# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based fuzzing of what asterisk_callfile writes, judged by a model of Asterisk's reader.

    python3 tests/fuzz/fuzz_callfile.py [--examples 100000] [--jobs 2] [--seed N] [--only channel,name]

For every module parameter that reaches the call file (channel, trunk_type/trunk_name/number,
application, data, context, extension, priority, callerid, account, variables - names and
values -, secret_variables, codecs, wait_time, retry_time, max_retries, archive,
always_delete, early_media), for name and schedule, and for all of them at once, values are
generated (hostile alphabets: line breaks, NUL and other control characters, comment
markers, ';' and '\\;', ':', '=', '$'/'${}', quotes, backslashes, Unicode blanks, lone
surrogates, directive look-alikes; arbitrary Unicode; lengths around the 1022-byte line
limit and the 79-byte fields) and the call is built the way the module builds it
(callfile_task.build_spec, CallRequest). Each example must be either

* refused with a ValidationError that names the parameter, or
* accepted, and then the file, read back by an independent model of pbx_spool's reader
  (on bytes: 1022-byte lines, '#' after a blank and unescaped ';' start comments, '\\;'
  loses its backslash, blanks trimmed, split at the first ':', keys compared without case)
  yields exactly the directives the parameters ask for - the same number, no extra or
  Asterisk-owned key, every value byte for byte - and the value fits the Asterisk field
  it lands in (callerid name and number, context and extension: 79 bytes; numbers: a C
  int; the archived file's path: 255 bytes). An accepted schedule gives the exact instant;
  a named call is spooled for real in two scratch spools (roots of 19 and 60 characters),
  check mode first, and check mode must predict the real run; an accepted name gives a file
  name that maps back to it.

Any other exception is a failure too. Hypothesis shrinks each failure to a minimal
example, printed with the property's name; the summary counts accepted and refused
examples per property. Exit status 0 only when every property held.

Needs hypothesis (pip install hypothesis). The unit test
tests/unit/plugins/module_utils/test_callfile_reliability.py runs the same properties
with a few hundred examples each; this script is the long run.
"""

import argparse
import atexit
import collections
import datetime
import math
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))


def _make_importable():
    """Put this checkout on sys.path as ansible_collections.pycall.asterisk if it is not yet."""
    try:
        import ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model  # noqa: F401 pylint: disable=unused-import
        return
    except ImportError:
        pass
    base = tempfile.mkdtemp(prefix='pycall-fuzz-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'pycall'))
    os.symlink(COLLECTION_ROOT, os.path.join(base, 'ansible_collections', 'pycall', 'asterisk'))
    sys.path.insert(0, base)


_make_importable()

# pylint: disable=wrong-import-position
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import name_of  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_calls  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.task import build_spec  # noqa: E402

# --- a model of Asterisk 22's call-file reader (pbx_spool.c, apply_outgoing) ------------------

LINE_LIMIT = 1022          # fgets into char[1024]: longer lines are skipped with a warning
FIELD_LIMIT = 79           # char[80] buffers (callerid name/number) and channel context/exten
C_INT_MAX = 2 ** 31 - 1    # sscanf("%30d")
ARCHIVE_PATH_LIMIT = 255   # remove_from_queue: char newfn[256] = "<outgoing_done>/<file>"
# The moment every example is judged at (relative schedules count from it).
NOW = 1800000000.0
READER_KEYS = {b'channel', b'callerid', b'application', b'data', b'maxretries', b'codecs', b'context',
               b'extension', b'priority', b'retrytime', b'waittime', b'retry', b'startretry', b'endretry',
               b'abortretry', b'delayedretry', b'setvar', b'set', b'account', b'alwaysdelete', b'archive',
               b'early_media'}
ASTERISK_WRITES = {b'retry', b'startretry', b'endretry', b'abortretry', b'delayedretry', b'status'}


def _cut_comments(line):
    # '#' ends the line where it starts it or follows a blank or a tab (checked first, on
    # the raw line); then the first ';' not preceded by a backslash ends it, and every
    # backslash right before a ';' is dropped.
    pos = 0
    while True:
        pos = line.find(b'#', pos)
        if pos < 0:
            break
        if pos == 0 or line[pos - 1:pos] in (b' ', b'\t'):
            line = line[:pos]
            break
        pos += 1
    buf = bytearray(line)
    pos = 0
    while True:
        pos = buf.find(b';', pos)
        if pos < 0:
            break
        if pos > 0 and buf[pos - 1] == 0x5c:
            del buf[pos - 1]
            continue            # now at the char after the kept ';'
        del buf[pos:]
        break
    return bytes(buf)


def asterisk_read(data):
    """(directives, problems): what pbx_spool takes from the file ``data`` (bytes)."""
    directives, problems = [], []
    lines = data.split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    else:
        problems.append('the file does not end with a newline')
    for number, raw in enumerate(lines, 1):
        if len(raw) > LINE_LIMIT:
            problems.append('line %d is %d bytes: skipped' % (number, len(raw)))
            continue
        line = _cut_comments(raw)
        end = len(line)
        while end and line[end - 1] < 33:
            end -= 1
        line = line[:end]
        if not line:
            continue
        colon = line.find(b':')
        if colon < 0:
            problems.append('line %d: syntax error (no colon)' % number)
            continue
        key = line[:colon].lower()
        value = line[colon + 1:]
        start = 0
        while start < len(value) and value[start] < 33:
            start += 1
        value = value[start:]
        if key in ASTERISK_WRITES:
            problems.append('line %d: %r is a key only Asterisk may write' % (number, key))
        elif key not in READER_KEYS:
            problems.append('line %d: unknown keyword %r' % (number, key))
        directives.append((key, value))
    return directives, problems


def _shrink_number(number):
    return bytes(b for b in number if b not in b'( )-.')


def callerid_fields(value):
    """(name, number) as ast_callerid_split cuts them, before its 80-byte buffers."""
    ls = value.rfind(b'<')
    le = value.rfind(b'>')
    if ls >= 0 and le > ls:
        number = _shrink_number(value[ls + 1:le])
        before = value[:ls]
        q1 = before.find(b'"')
        q2 = before.find(b'"', q1 + 1) if q1 >= 0 else -1
        if q1 >= 0 and q2 >= 0:
            name = before[q1 + 1:q2]
        elif q1 >= 0:
            name = value[q1 + 1:ls] if b'"' in value[le + 1:] else b''
        else:
            name = before.strip(bytes(range(33)))
        return name, number
    shrunk = _shrink_number(value)
    if shrunk and all(b in b'0123456789*#+' for b in shrunk):
        return b'', shrunk
    q1 = value.find(b'"')
    q2 = value.find(b'"', q1 + 1) if q1 >= 0 else -1
    if q1 >= 0 and q2 >= 0:
        return value[q1 + 1:q2], b''
    return value.strip(bytes(range(33))), b''


# --- what the parameters ask for (independent of the library's own rendering) ---------------

SPEC_PARAMS = ('channel', 'trunk_type', 'trunk_name', 'number', 'application', 'data', 'context', 'extension',
               'priority', 'callerid', 'account', 'variables', 'secret_variables', 'codecs', 'wait_time',
               'retry_time', 'max_retries', 'archive', 'always_delete', 'early_media')
ALL_PARAMS = SPEC_PARAMS + ('name', 'schedule')


def _int_text(value):
    if isinstance(value, str):
        return str(int(value))
    return str(value)


def _yes_no(value):
    return 'yes' if value else 'no'


def intended(params):
    """The (key, value) directives the parameters ask for, as text."""
    out = []
    channel = params.get('channel')
    if channel is None:
        kind, trunk, number = params['trunk_type'], params['trunk_name'], params['number']
        channel = '%s/%s@%s' % (kind, number, trunk) if kind.lower() == 'local' else '%s/%s/%s' % (kind, trunk, number)
    out.append(('channel', channel))
    if params.get('callerid') is not None:
        out.append(('callerid', params['callerid']))
    for param, key in (('wait_time', 'waittime'), ('max_retries', 'maxretries'), ('retry_time', 'retrytime')):
        if params.get(param) is not None:
            out.append((key, _int_text(params[param])))
    if params.get('account') is not None:
        out.append(('account', params['account']))
    if params.get('application') is not None:
        out.append(('application', params['application']))
        if params.get('data') is not None:
            out.append(('data', params['data']))
    else:
        # Without a context Asterisk uses the channel's: no Context line.
        if params.get('context') is not None:
            out.append(('context', params['context']))
        out.append(('extension', params['extension']))
        out.append(('priority', _int_text(params['priority']) if params.get('priority') is not None else '1'))
    for group in ('variables', 'secret_variables'):
        for name, value in (params.get(group) or {}).items():
            out.append(('set', '%s=%s' % (name, value)))
    codecs = params.get('codecs')
    for codec in ([codecs] if isinstance(codecs, str) else codecs or []):
        # Asterisk strips each entry, so blanks around the separators are written away.
        out.append(('codecs', re.sub(r'[ \t]*([,|])[ \t]*', r'\1', codec)))
    for param, key in (('always_delete', 'alwaysdelete'), ('archive', 'archive'), ('early_media', 'early_media')):
        if params.get(param) is not None:
            out.append((key, _yes_no(params[param])))
    return out


# Violation kinds the library still has (see the reliability notes); --known takes these.
KNOWN_GAPS = ()


class Violation(AssertionError):
    """An accepted input that Asterisk would not read as asked. ``kind`` groups them."""

    def __init__(self, kind, message):
        self.kind = kind
        super(Violation, self).__init__('[%s] %s' % (kind, message))


def _field_root(field):
    root = field.split('[', 1)[0].split('.', 1)[0]
    return root


def field_limits(params, directives):
    """Accepted values must fit the Asterisk field they land in."""
    values = dict((key.decode('ascii'), value) for key, value in directives if key not in (b'set', b'codecs'))
    if 'callerid' in values:
        name, number = callerid_fields(values['callerid'])
        if len(name) > FIELD_LIMIT or len(number) > FIELD_LIMIT:
            raise Violation('callerid-truncated', 'callerid %r: name %d bytes, number %d bytes; Asterisk keeps %d'
                            % (params.get('callerid'), len(name), len(number), FIELD_LIMIT))
    for key in ('context', 'extension'):
        if key in values and len(values[key]) > FIELD_LIMIT:
            raise Violation('%s-truncated' % key, '%s of %d bytes (%d characters); Asterisk keeps %d bytes'
                            % (key, len(values[key]), len(params.get(key) or ''), FIELD_LIMIT))
    for key in ('priority', 'waittime', 'retrytime', 'maxretries'):
        if key in values and int(values[key]) > C_INT_MAX:
            raise Violation('integer-overflow', '%s %s does not fit the int Asterisk reads it into' % (key, values[key]))
    if 'waittime' in values and int(values['waittime']) * 1000 > C_INT_MAX:
        raise Violation('integer-overflow', 'WaitTime %s: Asterisk multiplies it by 1000 in an int' % values['waittime'])


_SPOOLS = {}
# Scratch spools live on tmpfs if there is one (the writer fsyncs). Their roots are as long as
# /var/spool/asterisk (19 characters) and as an astspooldir under /srv/<customer>/... (60).
SPOOL_ROOT_LENGTHS = (19, 60)


def scratch_spool(length=SPOOL_ROOT_LENGTHS[-1]):
    """An empty spool (outgoing, outgoing_done, tmp) under a root of ``length`` characters."""
    if length not in _SPOOLS:
        parent = '/dev/shm' if os.path.isdir('/dev/shm') and os.access('/dev/shm', os.W_OK) else tempfile.gettempdir()
        # mkdtemp, not the pid: a killed run leaves its spool behind, and a later process
        # with the same pid must not trip over it.
        top = tempfile.mkdtemp(prefix='pf', dir=parent)
        if len(top) == length:
            root = top
        elif len(top) + 2 <= length:
            root = top + '/' + 'x' * (length - len(top) - 1)
        else:
            shutil.rmtree(top)
            raise RuntimeError('cannot make a spool root of %d characters under %s' % (length, parent))
        for sub in ('outgoing', 'outgoing_done', 'tmp'):
            os.makedirs(os.path.join(root, sub))
        if not _SPOOLS:
            atexit.register(remove_scratch_spools)
        _SPOOLS[length] = (SpoolPaths(outgoing=root + '/outgoing'), top)
    return _SPOOLS[length][0]


def remove_scratch_spools():
    """Remove this process's scratch spools (pool workers end without running atexit)."""
    while _SPOOLS:
        _length, (_paths, top) = _SPOOLS.popitem()
        shutil.rmtree(top, ignore_errors=True)


def _spool_for_real(paths, request):
    """What the module does with a named call, check mode first (it must predict the real run)."""
    try:
        ensure_calls(paths, [request], check_mode=True)
        predicted = None
    except ValidationError as exc:
        predicted = exc
    try:
        ensure_calls(paths, [request])
        actual = None
    except ValidationError as exc:
        actual = exc
    finally:
        for directory in (paths.outgoing, paths.staging):
            for entry in os.listdir(directory):
                os.unlink(os.path.join(directory, entry))
    if (predicted is None) != (actual is None):
        raise Violation('check-mode-disagrees', 'check mode: %s; the real run: %s'
                        % (predicted or 'would spool', actual or 'spooled'))
    if actual is not None:
        raise actual


def judge(params, now=NOW, expect=None):
    """Check one parameter set; returns 'accepted' or 'refused', raises AssertionError otherwise."""
    given_params = set(k for k, v in params.items() if v is not None)
    paths = scratch_spool()
    done_dir = paths.done
    try:
        spec = build_spec(params)
        request = CallRequest(spec, name=params.get('name'), schedule=params.get('schedule'), now=now)
        if params.get('name') is not None:
            for length in SPOOL_ROOT_LENGTHS:
                _spool_for_real(scratch_spool(length), request)
    except ValidationError as exc:
        root = _field_root(exc.field)
        # Without a channel or an action the error names the missing parameter.
        allowed = expect if expect is not None else (given_params | {'channel', 'application', 'context'})
        if root not in allowed:
            raise Violation('error-names-other-parameter', 'refused, but the error names %r (expected one of %r): %s'
                            % (root, sorted(allowed), exc))
        return 'refused'
    text = spec.render()
    data = text.encode('utf-8')     # a lone surrogate would raise here: never accepted
    directives, problems = asterisk_read(data)
    if problems:
        raise Violation('unreadable', '%s in %r' % ('; '.join(problems), text))
    got = [(key.decode('utf-8'), value.decode('utf-8')) for key, value in directives]
    want = intended(params)
    if collections.Counter(got) != collections.Counter(want):
        extra = list((collections.Counter(got) - collections.Counter(want)).elements())
        missing = list((collections.Counter(want) - collections.Counter(got)).elements())
        raise Violation('directives', 'extra %r, missing %r, file %r' % (extra, missing, text))
    for repeatable in ('set', 'codecs'):
        if [v for k, v in got if k == repeatable] != [v for k, v in want if k == repeatable]:
            raise Violation('order', '%s lines out of order in %r' % (repeatable, text))
    single = collections.Counter(k for k, _v in got if k not in ('set', 'codecs'))
    if any(count > 1 for count in single.values()):
        raise Violation('repeated-key', 'a key Asterisk reads once appears twice: %r' % text)
    field_limits(params, directives)
    _check_name(params, request, done_dir)
    _check_schedule(params, request, now)
    return 'accepted'


_NAME_RULE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.@+-]*$')


def _check_name(params, request, done_dir):
    name = params.get('name')
    if name is None:
        if not request.name.startswith('call-'):
            raise Violation('name', 'derived name %r' % request.name)
        return
    if request.name != name or not _NAME_RULE.match(name):
        raise Violation('name', 'accepted name %r (used as %r)' % (name, request.name))
    filename = request.filename
    if name_of(filename) != name or '/' in filename or filename.startswith('.'):
        raise Violation('name', 'file name %r does not map back to %r' % (filename, name))
    archived = os.path.join(done_dir, filename)
    if len(archived.encode('utf-8')) > ARCHIVE_PATH_LIMIT:
        raise Violation('archive-name-truncated', 'name of %d characters: Asterisk archives %s (%d bytes) in a %d-byte '
                                                  'buffer, so the archived copy loses its name (and a later run re-dials)'
                        % (len(name), archived, len(archived.encode('utf-8')), ARCHIVE_PATH_LIMIT + 1))


def _check_schedule(params, request, now):
    if not isinstance(request.requested, int) or not isinstance(request.due, int):
        raise Violation('schedule', 'due time %r is not whole seconds' % (request.due,))
    if request.due < int(now):
        raise Violation('schedule', 'due %d is before now %d' % (request.due, now))
    expected = SCHEDULE_EXPECTED.get(params.get('schedule'))
    if expected is not None and request.requested != expected:
        raise Violation('schedule', '%r resolved to %d, expected %d' % (params.get('schedule'), request.requested, expected))


# Filled by the structured schedule strategy: text -> the instant it names (whole seconds, up).
SCHEDULE_EXPECTED = {}

# --- strategies ----------------------------------------------------------------------------

ATOMS = ['\n', '\r', '\r\n', '\x00', '\t', ' ', '  ', '#', ' #', '\t#', ';', '\\;', '\\', '\\\\;', ';;', ':', ': ',
         '=', '==', '${', '}', '${EPOCH}', '$(id)', '`id`', '"', "'", ',', '|', '&', '(', ')', '<', '>', '/', '@', '!',
         '*', '%', '%s', '\x1b', '\x7f', '\x85', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u200b', '\u3000', 'ü', 'ß',
         '電話', '\U0001f4de', '\ud800', '\udfff', 'Application: System', 'Set: X=1', 'Channel: Local/1@x',
         'Status: Completed', 'StartRetry: 1 1 (1)', '\nApplication: System\nData: touch /tmp/pwned\n', 'x', 'A', '1',
         '0', 'Local/', '@answer']
SAFE_ALPHABET = 'abcXYZ019_-.+@/'
UNITS = ['a', 'ü', '電', '\U0001f4de', ';', 'x;', '#', 'a#', '\\', '$', '=', ':']


def _joined(parts):
    return ''.join(parts)


def _long(unit, count, tail):
    return unit * count + tail


# Hostile-looking pieces a value may hold and still be written (the rules refuse only line
# breaks and other control characters, blanks at either end and a blank before '#').
SAFE_ATOMS = [';', '\\;', '\\', '\\\\;', ';;', ':', '=', '==', '${', '}', '${EPOCH}', '$(id)', '`id`', '"', "'", ',', '|',
              '&', '(', ')', '<', '>', '/', '@', '!', '*', '%', '%s', 'a#b', '#', ' ', '\u00a0x', '\u2028', '\ufeff',
              '\u200b', 'ü', 'ß', '電話', '\U0001f4de', 'Application: System', 'Set: X=1', ' Status: Completed', 'x', '0']


def _framed(parts):
    # a letter at both ends: no leading or trailing blank, no leading '#'
    return 'x' + ''.join(parts) + 'y'


def hostile_text(max_atoms=12):
    short = st.lists(st.one_of(st.sampled_from(ATOMS), st.text(alphabet=SAFE_ALPHABET, max_size=8)),
                     max_size=max_atoms).map(_joined)
    acceptable = st.lists(st.sampled_from(SAFE_ATOMS), max_size=max_atoms).map(_framed)
    near_limit = st.builds(_long, st.sampled_from(UNITS), st.integers(min_value=150, max_value=1100),
                           st.sampled_from(['', 'x', ' ', ';', 'ü', '#']))
    return st.one_of(short, acceptable, acceptable, st.text(max_size=40), near_limit)


def _channel(tech, dest):
    return '%s/%s' % (tech, dest)


CHANNEL = st.one_of(hostile_text(), st.builds(_channel, st.sampled_from(['Local', 'PJSIP', 'SIP', 'IAX2', 'DAHDI', 'x_y-1']),
                                              hostile_text()))
APPLICATION = st.one_of(st.sampled_from(['Playback', 'Echo', 'Wait', 'NoOp', 'System', 'a' * 31, 'a' * 32]),
                        st.text(alphabet='ABCabc019_', min_size=1, max_size=40), hostile_text())
LONG_UNICODE = st.builds(_long, st.sampled_from(['a', 'ü', '電', '\U0001f4de']), st.integers(20, 100), st.just(''))
FIELD_TEXT = st.one_of(hostile_text(), LONG_UNICODE)
INTEGER = st.one_of(st.integers(min_value=-3, max_value=100), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
                    st.sampled_from([C_INT_MAX, C_INT_MAX + 1, 2147483, 2147484, '5', '05', ' 5', '-1', '1e3', 'x']),
                    st.booleans(), st.floats(allow_nan=True), st.none())
BOOLEAN = st.one_of(st.booleans(), st.sampled_from(['yes', 'no', 1, 0, '']), st.none())


def _quoted_callerid(name, number):
    return '"%s" <%s>' % (name, number)


CALLERID = st.one_of(hostile_text(), st.builds(_quoted_callerid, FIELD_TEXT, hostile_text()),
                     st.builds(_quoted_callerid, LONG_UNICODE, st.text(alphabet='0123456789', max_size=100)))
VAR_NAME = st.one_of(hostile_text(),
                     st.sampled_from(['A', 'CALLERID(name)', '__INHERIT', '_ONCE', 'LAB_ECHO', 'a b', 'A=B', '#A', 'A#', ' A']))
VAR_VALUE = st.one_of(hostile_text(), hostile_text(), st.integers(), st.floats(), st.booleans(), st.none(),
                      st.lists(st.text(max_size=3), max_size=2))
VARIABLES = st.dictionaries(VAR_NAME, VAR_VALUE, max_size=4)
CODECS = st.one_of(st.lists(st.one_of(hostile_text(), st.sampled_from(['ulaw', 'alaw', '!g729', 'all', 'ulaw:20',
                                                                      'ulaw,alaw|gsm'])), max_size=4),
                   hostile_text(), st.lists(st.integers(), max_size=2))
NAME = st.one_of(hostile_text(), st.text(alphabet='abcXYZ019_.@+-', min_size=1, max_size=250),
                 st.sampled_from(['page-4711', 'a' * 158, 'a' * 159, 'a' * 178, 'a' * 179, 'a' * 200, 'a' * 201,
                                  '.hidden', '../x', 'a/b', 'a\x00b']))


def _schedule_text(instant, offset_minutes, form):
    """Format the instant (float epoch) as the schedule forms users type; remember what it means."""
    if form == 'epoch':
        text = '%d' % int(instant)
        expected = int(instant)
    elif form == 'epoch-fraction':
        text = '%.3f' % instant
        expected = int(math.ceil(float(text)))
    elif form == 'relative':
        unit, seconds = (('s', 1), ('m', 60), ('h', 3600), ('d', 86400))[int(instant) % 4]
        count = int(instant) % 1000
        text = '+%d%s' % (count, unit)
        expected = int(math.ceil(NOW + count * seconds))
    else:
        zone = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
        when = datetime.datetime.fromtimestamp(int(instant), zone)
        if form == 'iso-z':
            when = when.astimezone(datetime.timezone.utc)
            text = when.strftime('%Y-%m-%dT%H:%M:%SZ')
        elif form == 'iso-offset':
            text = when.isoformat()
        else:   # iso-compact-offset: +HHMM
            text = when.strftime('%Y-%m-%dT%H:%M:%S%z')
        expected = int(instant)
    SCHEDULE_EXPECTED[text] = expected
    return text


SCHEDULE = st.one_of(
    st.builds(_schedule_text, st.floats(min_value=1.7e9, max_value=4.0e9), st.integers(-(23 * 60 + 59), 23 * 60 + 59),
              st.sampled_from(['epoch', 'epoch-fraction', 'relative', 'iso-z', 'iso-offset', 'iso-compact'])),
    hostile_text(), st.sampled_from(['now', '', 'NOW', '+5m', '+ 5 m', '+5x', '-5m', 'nan', 'inf', '1e10',
                                     '2026-02-30T00:00:00Z', '2026-12-24T09:30:00+24:00', '2026-12-24']))

BASE = {'channel': 'Local/100@answer', 'application': 'Playback', 'data': 'hello-world'}

# Plain values, so that a combined example is not refused for the first hostile one.
PLAIN = {'channel': 'Local/100@answer', 'application': 'Playback', 'data': 'hello-world', 'context': 'answer',
         'extension': 's', 'priority': 2, 'callerid': '"Ops" <5550100>', 'account': 'ops', 'variables': {'A': '1'},
         'secret_variables': {'S': 'x;y'}, 'codecs': ['ulaw'], 'wait_time': 30, 'retry_time': 60, 'max_retries': 2,
         'archive': True, 'always_delete': True, 'early_media': False, 'name': 'page-1', 'schedule': '+5m'}
COMBINED = {'channel': CHANNEL, 'application': APPLICATION, 'data': hostile_text(), 'context': FIELD_TEXT,
            'extension': FIELD_TEXT, 'priority': INTEGER, 'callerid': CALLERID, 'account': FIELD_TEXT,
            'variables': VARIABLES, 'secret_variables': VARIABLES, 'codecs': CODECS, 'wait_time': INTEGER,
            'retry_time': INTEGER, 'max_retries': INTEGER, 'archive': BOOLEAN, 'always_delete': BOOLEAN,
            'early_media': BOOLEAN, 'name': NAME, 'schedule': SCHEDULE}


@st.composite
def everything(draw):
    """All parameters at once: each absent, plain or generated; one action or (rarely) a mix."""
    shape = draw(st.sampled_from(['application', 'application', 'dialplan', 'dialplan', 'mixed']))
    keys = [k for k in COMBINED if shape == 'mixed' or k not in (
        ('context', 'extension', 'priority') if shape == 'application' else ('application', 'data'))]
    params = {}
    for key in keys:
        required = key == 'channel' or (shape == 'application' and key == 'application') or (
            shape == 'dialplan' and key in ('context', 'extension'))
        how = draw(st.sampled_from(['plain', 'plain', 'plain', 'generated'] + ([] if required else ['absent', 'absent'])))
        if how == 'plain':
            params[key] = PLAIN[key]
        elif how == 'generated':
            params[key] = draw(COMBINED[key])
    return params


def _with(base, **changes):
    params = dict(base)
    params.update(changes)
    return dict((k, v) for k, v in params.items() if v is not None or k in changes)


def _trunk(kind, trunk, number):
    return {'trunk_type': kind, 'trunk_name': trunk, 'number': number, 'application': 'Echo'}


def _action_context(context, extension, priority):
    return {'channel': 'Local/1@answer', 'context': context, 'extension': extension, 'priority': priority}


# property name -> (strategy of parameter dicts, parameter roots an error may name)
PROPERTIES = collections.OrderedDict([
    ('channel', (CHANNEL.map(lambda v: _with(BASE, channel=v)), {'channel'})),
    # An over-long channel built from the trunk parts is reported as 'channel' (see the reply's notes).
    ('trunk', (st.builds(_trunk, st.one_of(st.sampled_from(['Local', 'local', 'SIP', 'PJSIP']), hostile_text()),
                         FIELD_TEXT, hostile_text()), {'trunk_type', 'trunk_name', 'number', 'channel'})),
    ('application', (APPLICATION.map(lambda v: _with(BASE, application=v, data=None)), {'application'})),
    ('data', (hostile_text().map(lambda v: _with(BASE, data=v)), {'data'})),
    ('context', (st.builds(_action_context, FIELD_TEXT, st.just('s'), st.none()), {'context'})),
    ('extension', (st.builds(_action_context, st.just('answer'), FIELD_TEXT, st.none()), {'extension'})),
    ('priority', (st.builds(_action_context, st.just('answer'), st.just('s'), INTEGER), {'priority'})),
    ('callerid', (CALLERID.map(lambda v: _with(BASE, callerid=v)), {'callerid'})),
    ('account', (FIELD_TEXT.map(lambda v: _with(BASE, account=v)), {'account'})),
    ('variables', (VARIABLES.map(lambda v: _with(BASE, variables=v)), {'variables'})),
    ('secret_variables', (VARIABLES.map(lambda v: _with(BASE, secret_variables=v)), {'secret_variables'})),
    ('codecs', (CODECS.map(lambda v: _with(BASE, codecs=v)), {'codecs'})),
    ('wait_time', (INTEGER.map(lambda v: _with(BASE, wait_time=v)), {'wait_time'})),
    ('retry_time', (INTEGER.map(lambda v: _with(BASE, retry_time=v)), {'retry_time'})),
    ('max_retries', (INTEGER.map(lambda v: _with(BASE, max_retries=v)), {'max_retries'})),
    ('archive', (BOOLEAN.map(lambda v: _with(BASE, archive=v)), {'archive'})),
    ('always_delete', (BOOLEAN.map(lambda v: _with(BASE, always_delete=v)), {'always_delete'})),
    ('early_media', (BOOLEAN.map(lambda v: _with(BASE, early_media=v)), {'early_media'})),
    ('name', (NAME.map(lambda v: _with(BASE, name=v)), {'name'})),
    ('schedule', (SCHEDULE.map(lambda v: _with(BASE, schedule=v)), {'schedule'})),
    ('everything', (everything(), None)),
])


def run_property(name, examples, seed=None, known=()):
    """Run one property; returns (counts, failure message or None).

    ``known`` lists Violation kinds to count instead of failing on (known library gaps).
    """
    strategy, roots = PROPERTIES[name]
    counts = collections.Counter()

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(strategy)
    def prop(params):
        try:
            counts[judge(params, expect=roots)] += 1
        except Violation as exc:
            if exc.kind in known:
                counts['known:' + exc.kind] += 1
                return
            raise

    if seed is not None:
        prop = _seeded(prop, seed)
    try:
        prop()
    except Exception as exc:  # pylint: disable=broad-except
        found = getattr(exc, 'exceptions', None) or [exc]
        return counts, '\n'.join('%s: %s' % (type(one).__name__, one) for one in found)
    return counts, None


def _seeded(test, seed):
    from hypothesis import seed as hypothesis_seed
    return hypothesis_seed(seed)(test)


def _run_one(job):
    name, examples, seed, known = job
    started = time.time()
    try:
        counts, failure = run_property(name, examples, seed, known)
    finally:
        remove_scratch_spools()
    return name, dict(counts), failure, time.time() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--examples', type=int, default=100000, help='examples per property (default 100000)')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1, help='properties run in parallel')
    parser.add_argument('--seed', type=int, default=None, help='hypothesis seed, for a repeatable run')
    parser.add_argument('--only', default='', help='comma-separated properties (default: all): ' + ', '.join(PROPERTIES))
    parser.add_argument('--known', default='', help='comma-separated violation kinds to count instead of failing on')
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(',') if n] or list(PROPERTIES)
    unknown = [n for n in names if n not in PROPERTIES]
    if unknown:
        parser.error('unknown properties: %s' % ', '.join(unknown))
    known = tuple(k for k in args.known.split(',') if k)
    jobs = [(name, args.examples, args.seed, known) for name in names]
    os.environ['TZ'] = 'UTC'
    time.tzset()
    started = time.time()
    print('fuzzing %d properties x %d examples, %d at a time%s' % (
        len(jobs), args.examples, args.jobs, '' if args.seed is None else ', seed %d' % args.seed))
    sys.stdout.flush()
    if args.jobs > 1:
        pool = multiprocessing.get_context('fork').Pool(args.jobs)
        results = pool.imap_unordered(_run_one, jobs)
    else:
        pool = None
        results = (_run_one(job) for job in jobs)
    failed = []
    totals = collections.Counter()
    for name, counts, failure, seconds in results:
        totals.update(counts)
        line = '%-16s %8d accepted %8d refused %s %6.0f s  %s' % (
            name, counts.get('accepted', 0), counts.get('refused', 0),
            ' '.join('%s=%d' % (k, v) for k, v in sorted(counts.items()) if k.startswith('known:')) or '',
            seconds, 'FAIL' if failure else 'ok')
        print(line)
        if failure:
            failed.append((name, failure))
        sys.stdout.flush()
    if pool is not None:
        pool.close()
        pool.join()
    for name, failure in failed:
        print('\n--- %s: minimal failing example\n%s' % (name, failure))
    known_hits = sum(v for k, v in totals.items() if k.startswith('known:'))
    if failed:
        verdict = '%d propert%s FAILED' % (len(failed), 'y' if len(failed) == 1 else 'ies')
    elif known_hits:
        verdict = 'no violation beyond the %d of the known kinds counted above' % known_hits
    else:
        verdict = 'no input produced an extra or altered directive'
    print('\n%d examples (%d accepted, %d refused) in %.0f s: %s' % (
        sum(totals.values()), totals.get('accepted', 0), totals.get('refused', 0), time.time() - started, verdict))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
