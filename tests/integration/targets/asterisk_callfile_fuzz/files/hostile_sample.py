# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Draw hostile-looking values the writer accepts, as a batch of calls for the lab.

    python3 hostile_sample.py --collection ROOT --prefix P --seed N --variables 40 --callerids 12 --data 12 > sample.json

Standard library only (the CI controller has no hypothesis). Values are joined from pieces
that mean something to Asterisk, a shell or a format string (';', '\\;', '\\', '#', ':', '=',
'${EPOCH}', '$(id)', quotes, '%s', blanks, Unicode blanks and letters, directive
look-alikes), plus values filling a line to exactly 1022 bytes. Only values the library
accepts are kept (it is imported from ROOT); the refused ones are counted. Writes JSON:
{"sample_calls": [...], "expected": [...], "refused": N, "skipped": M} where each call is an entry of
the module's ``calls`` option and each expectation says which field of the lab's call log
(or which line of the messages log) must show the value, byte for byte. Values echoed by the
dialplan must not hold a ')' that closes nothing (see echo_safe); data, which pbx_spool
logs itself, may.
"""

import argparse
import json
import os
import random
import sys
import tempfile

PIECES = [';', '\\;', '\\', '\\\\', ';;', ':', ': ', '=', '==', '${EPOCH}', '${VAR1}', '$(id)', '`id`', '$', '"', "'",
          ',', '|', '&', '(', ')', '<', '>', '/', '@', '!', '*', '%', '%s', '%n', '#', 'a#b', '[', ']', '^', '~', '?',
          ' ', '  ', '\u00a0', '\u2028', '\ufeff', '\u200b', '\u00fc', '\u00df', '\u00e9', '\u96fb\u8a71', '\U0001f4de',
          '\U0001f600', 'Application: System', 'Set: X=1', 'Status: Completed', 'StartRetry: 1 1 (1)', 'x', 'Z', '0',
          '9', '-', '_', '.', '+']
# A callerid name stays whole only without quotes, backslashes and angle brackets (Asterisk's
# callerid parser gives those a meaning); numbers are dial strings.
NAME_PIECES = [p for p in PIECES if not set(p) & set('"\\<>')]
NUMBER_ALPHABET = '0123456789+*#'
# Fill 'Set: VAR1=<value>' to exactly the 1022-byte line limit with these units.
FILL_UNITS = ['x', ';', '\u00fc', '\u96fb', '\U0001f4de', '\\;', 'a#', '${EPOCH}']
LINE_LIMIT = 1022


def import_library(root):
    base = tempfile.mkdtemp(prefix='pycall-sample-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'pycall'))
    os.symlink(os.path.abspath(root), os.path.join(base, 'ansible_collections', 'pycall', 'asterisk'))
    sys.path.insert(0, base)
    # pylint: disable=import-outside-toplevel
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import model as callfile_model, syntax as callfile_syntax
    return callfile_model, callfile_syntax


def echo_safe(value):
    """The lab's dialplan echoes values through ${BASE64_ENCODE(x<value>)}: Asterisk ends a
    function's argument at the first ')' that closes no '(' of its own, so such a value
    would come back cut short although the channel holds it whole. Skip those."""
    depth = 0
    for char in value:
        depth += {'(': 1, ')': -1}.get(char, 0)
        if depth < 0:
            return False
    return True


def templating_safe(value):
    # Ansible would template these in extra vars; that is Ansible's business, not ours.
    return not any(marker in value for marker in ('{{', '{%', '{#'))


def draw(rng, pieces, most):
    return ''.join(rng.choice(pieces) for _i in range(rng.randint(1, most)))


def fill_to_limit(unit, syntax):
    room = LINE_LIMIT - len('Set: VAR1=')
    value = ''
    while len(syntax.escape(value + unit).encode('utf-8')) <= room:
        value += unit
    while len(syntax.escape(value + 'x').encode('utf-8')) <= room:
        value += 'x'
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--collection', required=True)
    parser.add_argument('--prefix', required=True)
    parser.add_argument('--seed', type=int, default=20260)
    parser.add_argument('--variables', type=int, default=40)
    parser.add_argument('--callerids', type=int, default=12)
    parser.add_argument('--data', type=int, default=12)
    args = parser.parse_args()
    model, syntax = import_library(args.collection)
    rng = random.Random(args.seed)
    calls, expected = [], []
    refused = skipped = 0

    def accepted(spec_kwargs):
        try:
            model.CallSpec(**spec_kwargs)
        except model.ValidationError:
            return False
        return True

    def add(kind, spec_kwargs, checks):
        name = '%s-%s%d' % (args.prefix, kind, len(calls))
        spec_kwargs = dict(spec_kwargs)
        spec_kwargs.setdefault('variables', []).insert(0, ('PYCALL_NAME', name))
        entry = {'name': name, 'channel': spec_kwargs['channel'], 'application': spec_kwargs['application'],
                 'data': spec_kwargs.get('data'),
                 'variables': dict(spec_kwargs['variables'])}
        if 'callerid' in spec_kwargs:
            entry['callerid'] = spec_kwargs['callerid']
        calls.append(entry)
        expected.append(dict(checks, name=name))

    def logged(value, callerid=None):
        kwargs = {'channel': 'Local/s@answer', 'application': 'Wait', 'data': '5',
                  'variables': [('LAB_MAXWAIT', '0'), ('VAR1', value)]}
        if callerid is not None:
            kwargs['callerid'] = callerid
        return kwargs

    # exactly at the line limit (and proof that one byte more is refused)
    for unit in FILL_UNITS:
        value = fill_to_limit(unit, syntax)
        assert len(syntax.render_line('Set', 'VAR1=' + value).encode('utf-8')) == LINE_LIMIT
        assert not accepted(logged(value + 'x')), 'a 1023-byte line was accepted'
        add('limit', logged(value), {'field': 'VAR1', 'value': value})
    while sum(1 for e in expected if e['field'] == 'VAR1') < args.variables + len(FILL_UNITS):
        value = draw(rng, PIECES, 12)
        if rng.random() < 0.1:
            value = value * rng.randint(20, 80)
        if not templating_safe(value) or not echo_safe(value):
            skipped += 1
            continue
        if not accepted(logged(value)):
            refused += 1
            continue
        add('var', logged(value), {'field': 'VAR1', 'value': value})
    while sum(1 for e in expected if e['field'] == 'cidname') < args.callerids:
        name = draw(rng, NAME_PIECES, 8).strip(' \u00a0')
        number = ''.join(rng.choice(NUMBER_ALPHABET) for _i in range(rng.randint(1, 20)))
        callerid = '"%s" <%s>' % (name, number)
        if not name or len(name.encode('utf-8')) > 79 or not templating_safe(callerid) or not echo_safe(name):
            skipped += 1
            continue
        if not accepted(logged('cid', callerid)):
            refused += 1
            continue
        add('cid', logged('cid', callerid), {'field': 'cidname', 'value': name, 'cidnum': number})
    while sum(1 for e in expected if e['field'] == 'messages') < args.data:
        data = 'D%d:%s' % (len(calls), draw(rng, PIECES, 12))
        kwargs = {'channel': 'Local/s@quiet', 'application': 'NoOp', 'data': data, 'variables': []}
        if not templating_safe(data):
            skipped += 1
            continue
        if not accepted(kwargs):
            refused += 1
            continue
        # pbx_spool logs the application and its data verbatim before it dials.
        add('data', kwargs, {'field': 'messages',
                             'value': 'Attempting call on Local/s@quiet for application NoOp(%s) (Retry 1)' % data})
    json.dump({'sample_calls': calls, 'expected': expected, 'refused': refused, 'skipped': skipped}, sys.stdout,
              ensure_ascii=False)
    return 0


if __name__ == '__main__':
    sys.exit(main())
