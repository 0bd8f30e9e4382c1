# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare what the lab Asterisk saw with what hostile_sample.py spooled.

    python3 check_sample.py sample.json LAB_BINARY HOST [TIMEOUT]

Polls `lab calls HOST` and `lab log HOST` until every expectation is met or TIMEOUT
(default 90 s) passes: each variable value echoed by the dialplan byte for byte (VAR1),
each caller id name and number, each application's data in pbx_spool's own log line;
every call exactly once; no parse complaint. Prints what differs and exits 1 on failure.
"""

import json
import re
import subprocess
import sys
import time

TROUBLE = re.compile(r'Invalid file contents|Syntax error|Unknown keyword|Skipping extremely long line|Malformed')


def lab(binary, *args):
    out = subprocess.run([binary] + list(args), check=True, stdout=subprocess.PIPE).stdout
    return out.decode('utf-8', 'surrogateescape')


def mismatches(expected, records, messages):
    by_name = {}
    for record in records:
        by_name.setdefault(record.get('PYCALL_NAME'), []).append(record)
    problems = []
    for item in expected:
        if item['field'] == 'messages':
            if item['value'] not in messages:
                problems.append('%s: no log line %r' % (item['name'], item['value']))
            continue
        seen = by_name.get(item['name'], [])
        if len(seen) != 1:
            problems.append('%s: dialled %d times' % (item['name'], len(seen)))
            continue
        got = seen[0].get(item['field'])
        if got != item['value']:
            problems.append('%s: %s is %r, spooled %r' % (item['name'], item['field'], got, item['value']))
        if 'cidnum' in item and seen[0].get('cidnum') != item['cidnum']:
            problems.append('%s: cidnum is %r, spooled %r' % (item['name'], seen[0].get('cidnum'), item['cidnum']))
    return problems


def main():
    sample_path, binary, host = sys.argv[1:4]
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 90.0
    with open(sample_path, encoding='utf-8') as handle:
        sample = json.load(handle)
    expected = sample['expected']
    deadline = time.time() + timeout
    while True:
        # split at LF only: values may hold U+2028, which splitlines() would also split at
        records = [json.loads(line) for line in lab(binary, 'calls', host).split('\n') if line.strip()]
        messages = lab(binary, 'log', host)
        problems = mismatches(expected, records, messages)
        if not problems or time.time() > deadline:
            break
        time.sleep(1)
    trouble = [line for line in messages.split('\n') if TROUBLE.search(line)]
    ours = set(item['name'] for item in expected)
    strangers = [r.get('PYCALL_NAME') for r in records if r.get('PYCALL_NAME') not in ours]
    for problem in problems + ['Asterisk: ' + line for line in trouble] + ['unexpected call %r' % s for s in strangers]:
        print('FAIL: ' + problem)
    if problems or trouble or strangers:
        return 1
    fields = {}
    for item in expected:
        fields[item['field']] = fields.get(item['field'], 0) + 1
    print('ok: %d hostile values arrived intact (%s); of the values drawn, the writer refused %d and %d were '
          'skipped (unbalanced \')\' for the echo, or Jinja markers)'
          % (len(expected), ', '.join('%s %d' % kv for kv in sorted(fields.items())), sample['refused'], sample['skipped']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
