# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIGKILL call spoolers at chosen and at random instants, then ask Asterisk what it saw.

Runs as root INSIDE a lab host, next to a copy of the collection's module_utils
(``<this dir>/ansible_collections/pycall/asterisk/plugins/module_utils``)::

    python3 crash_driver.py --prefix crash-1 [--random 200] [--pool 40] [--parallel 4] [--seed 7]

Phases, all through the real library (CallRequest + ensure_calls, as the module runs it):

1. calibrate: a few spools that are not killed, to learn how long one takes;
2. stepped: a spooler stops itself at one named instant (holding the lock, file
   created, half written, written, fsynced, mode set, owner set, due time set,
   renamed) and is SIGKILLed there; what is on disk at that instant is checked;
3. random: spoolers forked several at a time, sharing a small pool of call names,
   SIGKILLed after a random delay of up to 1.5 times a normal spool;
4. retry: every name spooled once more without a kill, like a retried job;
5. leftovers: every staged leftover must be ours (name pattern, a prefix of the
   call's text) and dead (its flock free);
6. clean-up: a run "five minutes later" removes the dead leftovers and never the
   file of a writer that is alive (stopped while writing); a SIGKILLed lock holder
   releases the spool lock at once;
7. verdict: Asterisk dialled every name exactly once (lab call log), read every
   file whole (an echoed variable near the end of the file arrived, the archived
   copy is the exact text, owned by asterisk, with the mode asked for), and logged no parse error.

Prints one line per phase and a JSON summary last; exits 1 on the first failed check.
"""

import argparse
import base64
import collections
import fcntl
import json
import os
import pwd
import random
import re
import signal
import stat
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import spool as callfile_spool  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils.callfile import name_of  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest, ensure_calls  # noqa: E402
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import CallSpec  # noqa: E402
# tests/faults/stop_points.py, copied beside this file by runme.sh
from stop_points import STEPS, install_stop  # noqa: E402

SPOOL_MODE = 0o640
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths, clean_staging  # noqa: E402

SPOOL_ROOT = '/var/spool/asterisk'
PATHS = SpoolPaths(outgoing=SPOOL_ROOT + '/outgoing')
CALLS_LOG = '/var/log/asterisk/lab-calls.log'
MESSAGES_LOG = '/var/log/asterisk/messages'
# Everything pbx_spool says about a file it could not read whole.
PARSE_TROUBLE = re.compile(r'Invalid file contents|Syntax error|Unknown keyword|Unable to open|'
                           r'Skipping extremely long line|Malformed|Channel should be in form|'
                           r'At least one of app or extension')
STAGED = re.compile(r'^\.pycall-(?P<file>.+)\.(?P<pid>[0-9]+)\.[0-9a-f]{8}\.tmp$')
# Semicolons are escaped in the file: a torn or re-read file would show in the echo.
PAD = 'k=v;' * 120

EXIT_CHANGED, EXIT_UNCHANGED, EXIT_ERROR, EXIT_FELL_THROUGH = 0, 3, 4, 5


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def say(message):
    sys.stdout.write(message + '\n')
    sys.stdout.flush()


def spec_for(name):
    # Wait runs on the caller side until the dialplan side (answer) hangs up, so the
    # call log line is always written; LAB_MAXWAIT=0 makes that immediate.
    return CallSpec('Local/s@answer', application='Wait', data='5', archive=True, variables=[
        ('PYCALL_NAME', name), ('LAB_MAXWAIT', '0'), ('PAD', PAD), ('LAB_ECHO', 'TAIL'), ('TAIL', name + ';end')])


def text_for(name):
    return spec_for(name).render()


def spool(name):
    """One run of what the module does for a named call; returns ``changed``."""
    # mode 0640, not the default 0600: the staged file is created 0600, so only another mode
    # shows from a leftover whether the writer got past fchmod.
    return ensure_calls(PATHS, [CallRequest(spec_for(name), name=name)], mode=SPOOL_MODE)[0]['changed']


# --- children -------------------------------------------------------------------------


def spawn(name, step=None):
    """Fork a spooler for ``name``; exit code EXIT_CHANGED / EXIT_UNCHANGED / EXIT_ERROR."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = EXIT_FELL_THROUGH
    try:
        if step:
            install_stop(step)
        code = EXIT_CHANGED if spool(name) else EXIT_UNCHANGED
    except BaseException as exc:  # pylint: disable=broad-except
        sys.stderr.write('spooler %s: %s: %s\n' % (name, type(exc).__name__, exc))
        code = EXIT_ERROR
    finally:
        os._exit(code)  # pylint: disable=protected-access
    return 0  # not reached


def outcome(status):
    if os.WIFSIGNALED(status):
        return 'killed' if os.WTERMSIG(status) == signal.SIGKILL else 'signal %d' % os.WTERMSIG(status)
    code = os.WEXITSTATUS(status)
    return {EXIT_CHANGED: 'spooled', EXIT_UNCHANGED: 'unchanged'}.get(code, 'exit %d' % code)


# --- looking at the spool ---------------------------------------------------------------


def staged_files(name=None):
    found = []
    for entry in os.scandir(PATHS.staging):
        match = STAGED.match(entry.name)
        check(match is not None, 'a file in staging is not one of ours: %s' % entry.path)
        if name is None or name_of(match.group('file')) == name:
            found.append(entry.path)
    return found


def published(name):
    """Files of call ``name`` in outgoing and outgoing_done."""
    out = []
    for directory in (PATHS.outgoing, PATHS.done):
        try:
            out += [os.path.join(directory, f) for f in os.listdir(directory) if name_of(f) == name]
        except FileNotFoundError:
            pass
    return out


def is_flocked(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def leftover_stage(path, text, asterisk_uid):
    """The last step a dead writer completed, read from what it left."""
    info = os.stat(path)
    size = info.st_size
    if size == 0:
        return 'created'
    if size < len(text.encode('utf-8')):
        return 'mid-write'
    mode = stat.S_IMODE(info.st_mode)
    if mode == 0o600:
        return 'written/synced'
    if info.st_uid != asterisk_uid:
        return 'moded'
    if info.st_mtime_ns % 1000000000:
        return 'owned'
    return 'dated'


# --- phases ---------------------------------------------------------------------------


def calibrate(prefix, count):
    names, durations = [], []
    for index in range(count):
        name = '%s-c%d' % (prefix, index)
        start = time.monotonic()
        pid = spawn(name)
        _pid, status = os.waitpid(pid, 0)
        durations.append(time.monotonic() - start)
        check(outcome(status) == 'spooled', 'calibration spool %s: %s' % (name, outcome(status)))
        names.append(name)
    durations.sort()
    return names, durations[len(durations) // 2]


def stepped(prefix, rounds, asterisk_uid):
    names = []
    for rnd in range(rounds):
        for step, meaning in STEPS:
            name = '%s-s%d-%s' % (prefix, rnd, step)
            names.append(name)
            text = text_for(name)
            pid = spawn(name, step)
            _pid, status = os.waitpid(pid, os.WUNTRACED)
            check(os.WIFSTOPPED(status), 'step %s (%s): the spooler never got there (%s)'
                  % (step, meaning, outcome(status)))
            try:
                staged = staged_files(name)
                public = published(name)
                if step == 'locked':
                    check(not staged and not public, 'step locked: something was written already')
                elif step == 'published':
                    check(not staged and len(public) == 1, 'step published: expected 1 spooled file, got %r' % public)
                else:
                    check(len(staged) == 1 and not public, 'step %s: expected 1 staged file and nothing in the spool, '
                                                           'got %r / %r' % (step, staged, public))
                    seen = leftover_stage(staged[0], text, asterisk_uid)
                    # Stopped before the fsync: whatever the library does before it is done
                    # (the content only, or content, mode, owner and due time).
                    expected = {'written': ('written/synced', 'dated'), 'synced': ('written/synced',)}.get(step, (step,))
                    check(seen in expected, 'step %s: the staged file looks like step %s' % (step, seen))
                    check(is_flocked(staged[0]), 'step %s: a live writer\'s staged file is not flocked' % step)
            finally:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    say('stepped: %d spoolers SIGKILLed at %d named instants each' % (len(names), len(STEPS)))
    return names


def random_kills(prefix, total, pool_size, parallel, span, rng):
    pool = ['%s-r%03d' % (prefix, index) for index in range(pool_size)]
    outcomes = collections.Counter()
    for first in range(0, total, parallel):
        batch = []
        start = time.monotonic()
        for _index in range(min(parallel, total - first)):
            name = rng.choice(pool)
            batch.append((start + rng.uniform(0, span), spawn(name), name))
        for when, pid, _name in sorted(batch):
            delay = when - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            # A child that finished already is a zombie until reaped: the kill is harmless.
            os.kill(pid, signal.SIGKILL)
        for _when, pid, name in batch:
            _pid, status = os.waitpid(pid, 0)
            result = outcome(status)
            check(result in ('killed', 'spooled', 'unchanged'), 'spooler %s ended with %s' % (name, result))
            outcomes[result] += 1
    say('random: %d spoolers over %d names, %d at a time, killed within %.1f ms: %s'
        % (total, pool_size, parallel, span * 1000, dict(outcomes)))
    return pool, outcomes


def retry(names):
    changed = 0
    for name in names:
        changed += bool(spool(name))
        files = published(name)
        check(len(files) == 1, 'after the retry of %s: %d spooled files %r' % (name, len(files), files))
    say('retry: %d names spooled again without a kill, %d of them needed it' % (len(names), changed))
    return changed


def inspect_leftovers(expected_names, asterisk_uid):
    stages = collections.Counter()
    paths = staged_files()
    for path in paths:
        match = STAGED.match(os.path.basename(path))
        name = name_of(match.group('file'))
        check(name in expected_names, 'leftover %s belongs to no call of this run' % path)
        text = text_for(name).encode('utf-8')
        with open(path, 'rb') as handle:
            content = handle.read()
        check(text.startswith(content), 'leftover %s is not a prefix of its call\'s text' % path)
        check(not is_flocked(path), 'leftover %s is still flocked, but its writer is dead' % path)
        stages[leftover_stage(path, text.decode('utf-8'), asterisk_uid)] += 1
    say('leftovers: %d, all ours, all dead, by last completed step: %s' % (len(paths), dict(stages)))
    return paths, stages


class _LaterClock:
    """``time`` as seen by clean_staging in a run five minutes and a second from now."""

    def __init__(self, ahead):
        self.ahead = ahead

    def time(self):
        return time.time() + self.ahead


def cleanup(prefix, dead):
    removed = clean_staging(PATHS)
    check(removed == [], 'clean_staging removed fresh leftovers: %r' % removed)
    live_name = '%s-live' % prefix
    live = spawn(live_name, 'mid-write')
    _pid, status = os.waitpid(live, os.WUNTRACED)
    check(os.WIFSTOPPED(status), 'the live writer never started writing (%s)' % outcome(status))
    live_files = staged_files(live_name)
    check(len(live_files) == 1, 'the live writer has %d staged files' % len(live_files))
    # A spooler of another name must wait for the lock holder...
    waiter_name = '%s-waiter' % prefix
    waiter = spawn(waiter_name)
    time.sleep(1.0)
    check(os.waitpid(waiter, os.WNOHANG) == (0, 0), 'a second spooler did not wait for the lock holder')
    try:
        removed = clean_staging(PATHS, now=time.time() + 301)
        check(sorted(removed) == sorted(dead), 'a later clean-up removed %d files, expected the %d dead leftovers'
              % (len(removed), len(dead)))
        check(os.path.exists(live_files[0]), 'the clean-up removed the file of a live writer')
    finally:
        os.kill(live, signal.SIGKILL)
        os.waitpid(live, 0)
    # ...and go on at once when the holder is SIGKILLed.
    start = time.monotonic()
    _pid, status = os.waitpid(waiter, 0)
    check(outcome(status) == 'spooled', 'the waiting spooler ended with %s' % outcome(status))
    waited = time.monotonic() - start
    check(waited < 5, 'the waiting spooler needed %.1f s after the holder died' % waited)
    # A later run of the module (its clean-up sees a clock 301 s ahead) removes the
    # dead writer's file and spools the call it failed to place.
    real_time = callfile_spool.time
    callfile_spool.time = _LaterClock(301)
    try:
        changed = spool(live_name)
    finally:
        callfile_spool.time = real_time
    check(changed, 'the later run did not spool %s' % live_name)
    left = staged_files()
    check(left == [], 'staging still holds %r after the later run' % left)
    say('clean-up: fresh leftovers kept, %d dead ones removed later, the live writer\'s file kept; '
        'a SIGKILLed lock holder let the waiting spooler go after %.3f s' % (len(dead), waited))
    return [live_name, waiter_name]


# --- the verdict ------------------------------------------------------------------------


def our_done_files(prefix):
    return [f for f in os.listdir(PATHS.done) if f.startswith(prefix + '-')]


def wait_quiet(prefix, timeout):
    deadline = time.time() + timeout
    while True:
        pending = os.listdir(PATHS.outgoing)
        unfinished = []
        for fname in our_done_files(prefix):
            with open(os.path.join(PATHS.done, fname), errors='replace') as handle:
                if 'Status:' not in handle.read():
                    unfinished.append(fname)
        if not pending and not unfinished:
            return
        check(time.time() < deadline, 'Asterisk did not finish within %d s: %d queued, %d without Status'
              % (timeout, len(pending), len(unfinished)))
        time.sleep(0.2)


def read_calls(prefix):
    records = []
    try:
        with open(CALLS_LOG, 'rb') as handle:
            lines = handle.read().decode('utf-8', 'surrogateescape').splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        record = {}
        for token in line.split():
            key, sep, value = token.partition('=')
            if not sep:
                continue
            if key in ('ts', 'ev', 'ctx', 'uid', 'reason'):
                record[key] = value
                continue
            try:
                raw = base64.b64decode(value, validate=True).decode('utf-8', 'surrogateescape')
            except ValueError:
                raw = '?' + value
            record[key] = raw[1:] if raw.startswith('x') else raw
        if record.get('PYCALL_NAME', '').startswith(prefix + '-'):
            records.append(record)
    return records


def verdict(prefix, expected_names, asterisk_uid):
    with open(MESSAGES_LOG, 'rb') as handle:
        messages = handle.read().decode('utf-8', 'replace').splitlines()
    trouble = [line for line in messages if PARSE_TROUBLE.search(line)]
    check(not trouble, 'Asterisk complained about call files:\n' + '\n'.join(trouble[:20]))
    check(os.listdir(PATHS.outgoing) == [], 'outgoing is not empty: %r' % os.listdir(PATHS.outgoing))

    archived = collections.defaultdict(list)
    for fname in our_done_files(prefix):
        archived[name_of(fname)].append(fname)
    check(set(archived) == set(expected_names), 'archived calls differ from the names spooled: extra %r, missing %r'
          % (sorted(set(archived) - set(expected_names))[:5], sorted(set(expected_names) - set(archived))[:5]))
    for name, files in archived.items():
        check(len(files) == 1, 'call %s was archived %d times: %r' % (name, len(files), files))
        path = os.path.join(PATHS.done, files[0])
        info = os.stat(path)
        with open(path, 'rb') as handle:
            content = handle.read().decode('utf-8')
        check(content.startswith(text_for(name)), 'archived %s is not the exact text spooled' % path)
        check(re.search(r'^Status: Completed$', content, re.M), 'archived %s did not complete' % path)
        check(info.st_uid == asterisk_uid and stat.S_IMODE(info.st_mode) == SPOOL_MODE,
              'archived %s has owner %d mode %o' % (path, info.st_uid, stat.S_IMODE(info.st_mode)))

    records = read_calls(prefix)
    per_name = collections.Counter(record['PYCALL_NAME'] for record in records)
    check(set(per_name) == set(expected_names), 'dialled names differ from the names spooled: extra %r, missing %r'
          % (sorted(set(per_name) - set(expected_names))[:5], sorted(set(expected_names) - set(per_name))[:5]))
    twice = sorted(name for name, count in per_name.items() if count != 1)
    check(not twice, 'dialled more than once: %r' % twice[:10])
    torn = [record['PYCALL_NAME'] for record in records if record.get('TAIL') != record['PYCALL_NAME'] + ';end']
    check(not torn, 'calls whose last variable did not arrive intact: %r' % torn[:10])
    say('verdict: %d names, each dialled exactly once, every file read whole, no parse complaint in %d log lines'
        % (len(per_name), len(messages)))
    return len(records)


def main():
    parser = argparse.ArgumentParser(description='SIGKILL call spoolers and check what Asterisk saw.')
    parser.add_argument('--prefix', required=True, help='call-name prefix of this run')
    parser.add_argument('--random', type=int, default=200, help='spoolers killed at random instants')
    parser.add_argument('--pool', type=int, default=40, help='call names the random spoolers share')
    parser.add_argument('--parallel', type=int, default=4, help='random spoolers running at once')
    parser.add_argument('--stepped-rounds', type=int, default=1, help='rounds over the named instants')
    parser.add_argument('--seed', type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    rng = random.Random(seed)
    asterisk_uid = pwd.getpwnam('asterisk').pw_uid
    started = time.time()
    say('crash driver: prefix %s, seed %d (rerun with --seed %d)' % (args.prefix, seed, seed))
    try:
        calibration, typical = calibrate(args.prefix, 5)
        say('calibrate: one spool takes %.1f ms (fork to exit, median of 5)' % (typical * 1000))
        stepped_names = stepped(args.prefix, args.stepped_rounds, asterisk_uid)
        pool, outcomes = random_kills(args.prefix, args.random, args.pool, args.parallel, 1.5 * typical, rng)
        retried = retry(stepped_names + pool)
        expected = set(calibration + stepped_names + pool)
        dead, stages = inspect_leftovers(expected, asterisk_uid)
        expected.update(cleanup(args.prefix, dead))
        wait_quiet(args.prefix, 60 + len(expected) // 5)
        calls = verdict(args.prefix, expected, asterisk_uid)
    except CheckFailed as exc:
        say('FAIL: %s' % exc)
        say('(seed %d)' % seed)
        return 1
    summary = {'seed': seed, 'spool_ms': round(typical * 1000, 1), 'random_spoolers': args.random,
               'random_outcomes': dict(outcomes), 'stepped_kills': len(stepped_names), 'retry_spooled': retried,
               'leftovers_by_step': dict(stages), 'calls': calls, 'seconds': round(time.time() - started, 1)}
    say(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main())
