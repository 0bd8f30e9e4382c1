# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Race call spoolers released at the same instant, then ask Asterisk how often it dialled.

Runs as root INSIDE a lab host, next to a copy of the collection's module_utils
(``<this dir>/ansible_collections/pycall/asterisk/plugins/module_utils``)::

    python3 race_driver.py --prefix race-1 [--rounds 5] [--procs 16] [--seed 7]

Every child runs what the module runs (CallRequest + ensure_calls); all of a round's
children block on one pipe and are released together by closing it. Each child notes
when it asked for the spool lock, got it and let it go (CLOCK_MONOTONIC is shared by
all processes), so the driver can show the critical sections really queued.

Rounds (each repeated --rounds times):
  same       N children, one name and content: exactly one spools, N-1 report unchanged,
             and no two critical sections overlap;
  derived    the same without a name (the name is derived from the content);
  distinct   N children, N names: all spool, none waits long;
  staggered  (once) 2N children of one name started at random instants over 4 s while
             Asterisk dials that call (pending, then in flight, then archived);
  teeth      (once, in a scratch spool Asterisk does not watch) the same race with the
             spool lock taken out: it must go wrong, or this test could not see a failure.
Then: every name was dialled exactly once (lab call log) and Asterisk logged no complaint.
"""

import argparse
import base64
import collections
import contextlib
import json
import os
import random
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import manage as callfile_manage  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_calls  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import CallSpec  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths  # noqa: E402

SPOOL_ROOT = '/var/spool/asterisk'
PATHS = SpoolPaths(outgoing=SPOOL_ROOT + '/outgoing')
CALLS_LOG = '/var/log/asterisk/lab-calls.log'
MESSAGES_LOG = '/var/log/asterisk/messages'
TROUBLE = re.compile(r'Invalid file contents|Syntax error|Unknown keyword|Unable to open|Malformed')
# A spool of another name must never wait longer than this for the lock.
MAX_WAIT = 2.0


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def say(message):
    sys.stdout.write(message + '\n')
    sys.stdout.flush()


def spec_for(call_id, context='answer', extra=()):
    return CallSpec('Local/s@%s' % context, application='Wait', data='5', archive=True,
                    variables=[('PYCALL_NAME', call_id), ('LAB_MAXWAIT', '0')] + list(extra))


def _timed_lock(marks, real_lock):
    @contextlib.contextmanager
    def timed(paths, **kwargs):
        marks['ask'] = time.monotonic()
        with real_lock(paths, **kwargs):
            marks['got'] = time.monotonic()
            try:
                yield
            finally:
                marks['left'] = time.monotonic()
    return timed


@contextlib.contextmanager
def _no_lock(_paths, **_kwargs):
    yield


def race(jobs, locked=True):
    """Run ``jobs`` (list of (paths, request factory, start delay)) in children released together.

    Returns one dict per child: changed, status, error, ask/got/left times.
    """
    gate_r, gate_w = os.pipe()
    out_r, out_w = os.pipe()
    pids = []
    sys.stdout.flush()
    for paths, make_request, delay in jobs:
        pid = os.fork()
        if pid == 0:
            os.close(gate_w)
            os.close(out_r)
            report = {}
            try:
                os.read(gate_r, 1)
                released = time.monotonic()
                if delay:
                    time.sleep(delay)
                callfile_manage.spool_lock = _timed_lock(report, callfile_manage.spool_lock) if locked else _no_lock
                report['released'] = released
                result = ensure_calls(paths, [make_request()])[0]
                report.update(changed=result['changed'], status=result['status'], error=None)
            except BaseException as exc:  # pylint: disable=broad-except
                report.update(changed=False, status=None, error='%s: %s' % (type(exc).__name__, exc))
            report['end'] = time.monotonic()
            os.write(out_w, (json.dumps(report) + '\n').encode('utf-8'))
            os._exit(0)  # pylint: disable=protected-access
        pids.append(pid)
    os.close(gate_r)
    os.close(out_w)
    time.sleep(0.3)  # every child is blocked on the gate by now
    os.close(gate_w)
    data = b''
    while True:
        chunk = os.read(out_r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(out_r)
    for pid in pids:
        os.waitpid(pid, 0)
    reports = [json.loads(line) for line in data.decode('utf-8').splitlines()]
    check(len(reports) == len(jobs), '%d of %d children reported' % (len(reports), len(jobs)))
    return reports


def check_serialised(reports, label):
    sections = sorted((r['got'], r['left']) for r in reports)
    for (_got1, left1), (got2, _left2) in zip(sections, sections[1:]):
        check(got2 >= left1, '%s: two processes were inside the critical section at once' % label)
    waits = [r['got'] - r['ask'] for r in reports]
    return max(waits), sum(left - got for got, left in sections)


def round_same(prefix, index, procs, named):
    call_id = '%s-%s%d' % (prefix, 'same' if named else 'derived', index)
    name = call_id if named else None

    def make():
        return CallRequest(spec_for(call_id), name=name)
    reports = race([(PATHS, make, 0)] * procs)
    errors = [r['error'] for r in reports if r['error']]
    check(not errors, '%s: errors: %r' % (call_id, errors[:3]))
    changed = sum(r['changed'] for r in reports)
    check(changed == 1, '%s: %d of %d runs spooled, expected exactly 1' % (call_id, changed, procs))
    statuses = collections.Counter(r['status'] for r in reports if not r['changed'])
    check(set(statuses) <= {'pending', 'in_progress', 'completed', 'unknown'}, '%s: statuses %r' % (call_id, statuses))
    max_wait, busy = check_serialised(reports, call_id)
    return call_id, max_wait, busy


def round_distinct(prefix, index, procs):
    ids = ['%s-dist%d-%d' % (prefix, index, i) for i in range(procs)]
    jobs = [(PATHS, (lambda call_id=call_id: CallRequest(spec_for(call_id), name=call_id)), 0) for call_id in ids]
    reports = race(jobs)
    errors = [r['error'] for r in reports if r['error']]
    check(not errors, 'distinct round %d: errors: %r' % (index, errors[:3]))
    check(all(r['changed'] for r in reports), 'distinct round %d: not every name was spooled' % index)
    max_wait, _busy = check_serialised(reports, 'distinct round %d' % index)
    longest = max(r['end'] - r['released'] for r in reports)
    check(max_wait < MAX_WAIT, 'distinct round %d: a spool waited %.2f s for the lock' % (index, max_wait))
    return ids, max_wait, longest


def round_staggered(prefix, procs, rng):
    call_id = '%s-staggered' % prefix
    # hold: rings 1 s (the file stays in outgoing with StartRetry), then answers.
    spec = spec_for(call_id, 'hold', [('HOLD', '1')])
    jobs = [(PATHS, (lambda: CallRequest(spec, name=call_id)), rng.uniform(0, 4.0)) for _i in range(procs)]
    reports = race(jobs)
    errors = [r['error'] for r in reports if r['error']]
    check(not errors, 'staggered: errors: %r' % errors[:3])
    changed = sum(r['changed'] for r in reports)
    check(changed == 1, 'staggered: %d runs spooled, expected exactly 1' % changed)
    seen = collections.Counter(r['status'] for r in reports if not r['changed'])
    return call_id, dict(seen)


def round_teeth(prefix, procs, rounds=5):
    """Without the lock the same race must misbehave; otherwise the checks above prove nothing."""
    base = '%s/scratch-%s' % (SPOOL_ROOT, prefix)
    bad_rounds = 0
    try:
        for index in range(rounds):
            shutil.rmtree(base, ignore_errors=True)
            for sub in ('outgoing', 'outgoing_done', 'tmp'):
                os.makedirs(os.path.join(base, sub))
            paths = SpoolPaths(outgoing=base + '/outgoing')
            call_id = '%s-teeth%d' % (prefix, index)
            # Start in the second half of a second sometimes, so that some runs land in the
            # next second and get a different file name (a duplicate instead of a collision).
            time.sleep(1 - time.time() % 1 + 0.9 * (index % 2))
            reports = race([(paths, (lambda: CallRequest(spec_for(call_id), name=call_id)), 0)] * procs, locked=False)
            changed = sum(r['changed'] for r in reports)
            failed = sum(1 for r in reports if r['error'])
            files = len(os.listdir(paths.outgoing))
            if changed != 1 or failed or files != 1:
                bad_rounds += 1
    finally:
        shutil.rmtree(base, ignore_errors=True)
    check(bad_rounds > 0, 'without the spool lock the race never went wrong in %d rounds: this test has no teeth'
          % rounds)
    return bad_rounds, rounds


def read_calls(prefix):
    counts = collections.Counter()
    try:
        with open(CALLS_LOG, 'rb') as handle:
            lines = handle.read().decode('utf-8', 'replace').splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        for token in line.split():
            key, _sep, value = token.partition('=')
            if key == 'PYCALL_NAME':
                name = base64.b64decode(value).decode('utf-8', 'replace')[1:]
                if name.startswith(prefix + '-'):
                    counts[name] += 1
    return counts


def wait_quiet(timeout):
    deadline = time.time() + timeout
    while os.listdir(PATHS.outgoing):
        check(time.time() < deadline, 'Asterisk did not dial everything within %d s' % timeout)
        time.sleep(0.2)
    time.sleep(1.5)  # the last calls write their log line just before they end


def main():
    parser = argparse.ArgumentParser(description='Race call spoolers and count what Asterisk dialled.')
    parser.add_argument('--prefix', required=True)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--procs', type=int, default=16)
    parser.add_argument('--seed', type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    rng = random.Random(seed)
    started = time.time()
    say('race driver: prefix %s, seed %d, %d processes per race' % (args.prefix, seed, args.procs))
    expected = []
    try:
        waits, busy = [], []
        for index in range(args.rounds):
            for named in (True, False):
                call_id, max_wait, section = round_same(args.prefix, index, args.procs, named)
                expected.append(call_id)
                waits.append(max_wait)
                busy.append(section)
        say('same call: %d races of %d processes (named and derived), each spooled exactly once; critical sections '
            'never overlapped; longest wait %.1f ms, critical sections %.1f ms per race on average'
            % (2 * args.rounds, args.procs, max(waits) * 1000, 1000 * sum(busy) / len(busy)))
        worst_wait = worst_run = 0.0
        for index in range(args.rounds):
            ids, max_wait, longest = round_distinct(args.prefix, index, args.procs)
            expected += ids
            worst_wait, worst_run = max(worst_wait, max_wait), max(worst_run, longest)
        say('distinct names: %d races of %d, all spooled; longest lock wait %.1f ms, longest run %.1f ms'
            % (args.rounds, args.procs, worst_wait * 1000, worst_run * 1000))
        call_id, seen = round_staggered(args.prefix, 2 * args.procs, rng)
        expected.append(call_id)
        say('staggered over the call\'s life: spooled once; the others saw %s' % seen)
        bad, total = round_teeth(args.prefix, args.procs)
        say('teeth: without the lock %d of %d races went wrong (as they must)' % (bad, total))
        wait_quiet(60 + len(expected) // 5)
        counts = read_calls(args.prefix)
        wrong = sorted((name, counts.get(name, 0)) for name in expected if counts.get(name, 0) != 1)
        check(not wrong, 'calls not dialled exactly once (name, times): %r' % wrong[:10])
        extra = sorted(set(counts) - set(expected))
        check(not extra, 'dialled calls nobody asked for: %r' % extra[:10])
        with open(MESSAGES_LOG, 'rb') as handle:
            trouble = [line for line in handle.read().decode('utf-8', 'replace').splitlines() if TROUBLE.search(line)]
        check(not trouble, 'Asterisk complained:\n' + '\n'.join(trouble[:10]))
        say('verdict: %d calls, each dialled exactly once, no complaint from Asterisk' % len(expected))
    except CheckFailed as exc:
        say('FAIL: %s (seed %d)' % (exc, seed))
        return 1
    say(json.dumps({'seed': seed, 'calls': len(expected), 'seconds': round(time.time() - started, 1)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
