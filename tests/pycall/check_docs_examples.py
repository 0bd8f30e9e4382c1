# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the programs of pycall 2.3.2's docs/usage.rst, unchanged, through the shim.

Run by tests/ci/pycall.sh inside its private mount namespace (fresh tmpfs over
/var/spool: the programs use pycall's default spool directory). A literal
block that imports pycall and calls spool() is a program; the others are
fragments (``CallFile(...)``) and are not run. Each program runs with the
argument its text asks for (a phone number) and what it spooled is checked.
Prints one PASSED/FAILED/SKIPPED line per block and "N passed, M failed".
Usage: check_docs_examples.py USAGE_RST
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import parse_callfile

SPOOL = '/var/spool/asterisk'
OUTGOING = os.path.join(SPOOL, 'outgoing')
NUMBER = '18002223333'


def blocks(text):
    """(section title, n-th block of the section, code) of every literal block."""
    lines = text.splitlines()
    title, count, index = None, 0, 0
    while index < len(lines):
        line = lines[index]
        if index + 1 < len(lines) and re.match(r'^([=\-*])\1+$', lines[index + 1]) and line.strip():
            title, count = line.strip(), 0
        # '::' ends a paragraph before a literal block; '.. note::' is a directive, not code.
        if line.rstrip().endswith('::') and not re.match(r'^\s*\.\. [\w-]+::', line):
            body = []
            index += 1
            while index < len(lines) and (not lines[index].strip() or lines[index][:1] in ('\t', ' ')):
                body.append(lines[index])
                index += 1
            code = textwrap.dedent('\n'.join(body).expandtabs(4)).strip('\n')
            if code:
                count += 1
                yield title, count, code
            continue
        index += 1


def spooled():
    found = []
    for name in os.listdir(OUTGOING):
        path = os.path.join(OUTGOING, name)
        with open(path) as handle:
            found.append((parse_callfile(handle.read()).spec, os.stat(path).st_mtime))
    return found


def hello(files, started):
    assert len(files) == 1, files
    spec, due = files[0]
    assert (spec.channel, spec.application, spec.data) == ('SIP/flowroute/' + NUMBER, 'Playback', 'hello-world')
    assert due <= time.time() + 1 and due >= started - 1


def in_an_hour(files, started):
    assert len(files) == 1, files
    assert 3600 - 5 <= files[0][1] - started <= 3600 + 5, files


def survey(files, _started, variables=None):
    assert len(files) == 1, files
    spec = files[0][0]
    assert (spec.channel, spec.context, spec.extension, spec.priority) == \
        ('SIP/flowroute/18002223333' if variables is None else 'SIP/flowroute/18882223333', 'survey', 's', 1), spec
    assert dict(spec.variables) == (variables or {}), spec.variables


# (section, n-th block): what the program must do. 'pycall:' marks a program pycall's own docs
# got wrong: it fails with that error under pycall itself, so it must fail the same way here.
EXPECTED = {
    ('Hello, World!', 1): hello,
    ('Scheduling a Call in the Future', 1): in_an_hour,
    ('Scheduling a Call in the Future', 2): "pycall: NameError: name 'Call' is not defined",
    ('Setting Call File Permissions', 2): "pycall: NameError: name 'time' is not defined",
    ('Adding Complex Call Logic', 1): survey,
    ('Passing Variables to Your Dial Plan', 1): lambda files, started: survey(
        files, started, {'greeting': 'tt-monkeys'}),
}


def fresh_spool():
    shutil.rmtree(SPOOL, ignore_errors=True)
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        os.makedirs(os.path.join(SPOOL, name))


def run(code):
    with tempfile.NamedTemporaryFile('w', suffix='.py', delete=False) as handle:
        handle.write(code + '\n')
    try:
        return subprocess.run([sys.executable, handle.name, NUMBER], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=60, check=False)
    finally:
        os.unlink(handle.name)


def main(usage):
    with open(usage) as handle:
        text = handle.read()
    passed = failed = 0
    seen = set()
    for title, count, code in blocks(text):
        label = '%s #%d' % (title, count)
        if 'import' not in code or 'spool(' not in code:
            print('SKIPPED %s: a fragment, not a program' % label)
            continue
        seen.add((title, count))
        expected = EXPECTED.get((title, count))
        fresh_spool()
        started = time.time()
        proc = run(code)
        try:
            assert expected is not None, 'a program this check does not know: add it to EXPECTED'
            if isinstance(expected, str):
                error = expected[len('pycall: '):]
                assert proc.returncode != 0 and error in proc.stdout, proc.stdout
                assert os.listdir(OUTGOING) == [], os.listdir(OUTGOING)
            else:
                assert proc.returncode == 0, 'exit %d: %s' % (proc.returncode, proc.stdout)
                expected(spooled(), int(started))
        except AssertionError as exc:
            failed += 1
            print('FAILED %s: %s' % (label, exc))
        else:
            passed += 1
            print('PASSED %s%s' % (label, ' (%s, as under pycall)' % expected if isinstance(expected, str) else ''))
    for key in sorted(set(EXPECTED) - seen):
        failed += 1
        print('FAILED %s #%d: expected program not found in %s' % (key[0], key[1], usage))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
