# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The performance rows of issue #14, each against its floor or peer measured in the same run.

    python3 bench/bench_perf.py [--markdown] [--quick] [--rounds 3] [--calls 10000]
        [--inventory "$(PYCALL_LAB_DIR=... tests/lab/lab inventory)" --host ast1]
        [--peer-venv /var/tmp/pycall-bench-peer]

Rows (times are the best of --rounds, the cases of a row run round-robin so a slow moment of
this shared machine hits them alike; the ratios are the figures to read):

  batch     --calls durable calls in ONE asterisk_callfile task (calls:), local connection:
            the task time (playbook minus a one-ping playbook) against the durable batch
            floor done here with bare syscalls (write every staged file with its mode, owner
            and due time, one syncfs(2) of the spool filesystem, rename them all, one fsync of
            outgoing) and against pycall 2.3.2 spooling as many calls (library time, no fsync,
            no checks; from --peer-venv, built with pip when missing: pycall==2.3.2 with
            path.py==10.5, the last path.py it works with).
  tasks     --tasks tasks of one call each against as many ansible.builtin.ping tasks, over
            SSH to a lab host (--inventory/--host), with an empty archive and with --archived
            files in outgoing_done.
  info      asterisk_callfile_info over --info-archived archived calls, local connection: the
            whole task (playbook minus a one-ping playbook), the module alone (run directly,
            no Ansible) and the size of its result; also with detail=full when the module has it;
            and Ansible's share: the default result returned again by a module that reads no
            spool (bench/library/bench_info_carry.py).
  immediate an immediate call (lab): from the task's start (a callback notes it) to Asterisk's
            dialplan (the mtime of the lab's call log once its line for this call appears).

Without --inventory the lab rows are left out. --quick runs every row once at a small N (a
smoke test that the benchmark still works, for CI; its numbers mean little). Run as root when
a lab is used (the archive is filled through the host's root filesystem).
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib

PEER_VENV = '/var/tmp/pycall-bench-peer'
PEER_PINS = ['pycall==2.3.2', 'path.py==10.5']
CLOCK_TASK = 'bench immediate call'

# Spools N calls with pycall 2.3.2, as its README shows, and prints the library time.
PEER_SCRIPT = r'''
import datetime, sys, time
from pycall import Application, Call, CallFile
outgoing, staging, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
when = datetime.datetime.now() + datetime.timedelta(days=1)
start = time.perf_counter()
for index in range(count):
    CallFile(Call('Local/%d@answer' % index), Application('Playback', 'hello-world'), archive=True,
             filename='peer-%d.call' % index, tempdir=staging, spool_dir=outgoing).spool(when)
print(time.perf_counter() - start)
'''


def log(message):
    print('[bench] %s' % message, file=sys.stderr)
    sys.stderr.flush()


# --- the durable batch floor -------------------------------------------------------------------

def _syncfs():
    """syncfs(fd) from libc, or None (then os.sync, which syncs every filesystem, stands in)."""
    try:
        import ctypes
        func = ctypes.CDLL(None, use_errno=True).syncfs
    except (ImportError, OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int]
    func.restype = ctypes.c_int
    return func


def batch_floor(base, count):
    """Seconds for ``count`` durable calls with the fewest syscalls a durable batch needs."""
    staging, outgoing = os.path.join(base, 'tmp'), os.path.join(base, 'outgoing')
    data = benchlib.CALL_TEXT.encode()
    due = int(time.time()) + 86400
    syncfs = _syncfs()
    start = time.perf_counter()
    staged = []
    for index in range(count):
        path = os.path.join(staging, 's%d' % index)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.fchmod(fd, 0o640)
        os.fchown(fd, os.getuid(), os.getgid())
        os.utime(fd, (due, due))
        os.close(fd)
        staged.append(path)
    fd = os.open(staging, os.O_RDONLY)
    try:
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)
    for index, path in enumerate(staged):
        os.rename(path, os.path.join(outgoing, 'c%d.call' % index))
    benchlib.fsync_dir(outgoing)
    return time.perf_counter() - start


# --- pycall 2.3.2 --------------------------------------------------------------------------------

def peer_python(venv, build):
    python = os.path.join(venv, 'bin', 'python')
    probe = [python, '-c', 'import pycall, path']
    if os.access(python, os.X_OK) and subprocess.call(probe, stderr=subprocess.DEVNULL) == 0:
        return python
    if not build:
        return None
    log('building %s with %s' % (venv, ' '.join(PEER_PINS)))
    subprocess.check_call([sys.executable, '-m', 'venv', venv])
    subprocess.check_call([python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'] + PEER_PINS)
    subprocess.check_call(probe)
    return python


def peer_batch(python, base, count):
    out = subprocess.check_output([python, '-c', PEER_SCRIPT, os.path.join(base, 'outgoing'),
                                   os.path.join(base, 'tmp'), str(count)])
    spooled = len(os.listdir(os.path.join(base, 'outgoing')))
    if spooled != count:
        raise SystemExit('pycall spooled %d files, expected %d' % (spooled, count))
    return float(out.decode().strip())


# --- row: a batch in one task ------------------------------------------------------------------

def batch_play(count):
    entries = ''.join('          - channel: Local/%d@answer\n' % index for index in range(count))
    return ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - pycall.asterisk.asterisk_callfile:\n'
            '        name: bench\n'
            '        application: Playback\n'
            '        data: hello-world\n'
            '        spool_dir: "{{ spool }}/outgoing"\n'
            '        schedule: +1d\n'
            '        calls:\n' + entries)


def measure_batch(args, plays, peer):
    samples = {'task': [], 'ping': [], 'floor': [], 'peer': [], 'carry': []}
    play = batch_play(args.calls)
    carry = play.replace('pycall.asterisk.asterisk_callfile:', 'bench_carry:')
    ping = benchlib.ping_play()
    for round_ in range(args.rounds):
        log('batch round %d/%d (%d calls)' % (round_ + 1, args.rounds, args.calls))
        samples['ping'].append(plays.run(ping))
        samples['carry'].append(plays.run(carry, {'spool': '/nonexistent'}))
        base = benchlib.make_spool(args.dir)
        try:
            samples['task'].append(plays.run(play, {'spool': base}))
            spooled = len(os.listdir(os.path.join(base, 'outgoing')))
            if spooled != args.calls:
                raise SystemExit('the task spooled %d files, expected %d' % (spooled, args.calls))
        finally:
            shutil.rmtree(base)
        base = benchlib.make_spool(args.dir)
        try:
            samples['floor'].append(batch_floor(base, args.calls))
        finally:
            shutil.rmtree(base)
        if peer:
            base = benchlib.make_spool(args.dir)
            try:
                samples['peer'].append(peer_batch(peer, base, args.calls))
            finally:
                shutil.rmtree(base)
    best = dict((key, benchlib.best(values)) for key, values in samples.items() if values)
    task = max(best['task'] - best['ping'], 1e-6)
    rows = [['%s durable calls in ONE task (`calls:`), task time (playbook minus a one-ping playbook)' % _n(args.calls),
             '%.2f s (%s calls/s)' % (task, _n(args.calls / task)),
             'durable batch floor (staged files, one syncfs, rename all, one dir fsync): %.2f s' % best['floor'],
             '%.2fx the floor' % (task / best['floor']), '<= 1.5x the floor']]
    carried = max(best['carry'] - best['ping'], 1e-6)
    rows.append(['the same task, Ansible\'s share: the same `calls` and a result of the same shape through a '
                 'module that writes nothing (bench/library/bench_carry.py)',
                 '%.2f s of the %.2f s' % (carried, task),
                 'the rest, the collection\'s own work: %.2f s' % (task - carried),
                 '%.2fx the floor' % ((task - carried) / best['floor']), '-'])
    if 'peer' in best:
        rows.append(['the same task against pycall 2.3.2 (no fsync, no checks)',
                     '%s calls/s' % _n(args.calls / task),
                     'pycall 2.3.2: %.2f s (%s calls/s)' % (best['peer'], _n(args.calls / best['peer'])),
                     '%.2fx pycall\'s throughput' % (best['peer'] / task), '>= 2x pycall\'s throughput'])
    return rows


# --- row: one call per task over SSH -----------------------------------------------------------

class Lab:
    """A lab host from its inventory: the host-side root and the spool inside it."""

    def __init__(self, inventory, host):
        out = subprocess.check_output([benchlib.ansible_bin('ansible-inventory'), '-i', inventory, '--host', host],
                                      env=dict(os.environ, ANSIBLE_INVENTORY_UNPARSED_WARNING='0'))
        hostvars = json.loads(out.decode())
        self.inventory = inventory
        self.host = host
        self.root = hostvars['lab_root']
        spool = hostvars.get('lab_spool_dir', '/var/spool/asterisk').lstrip('/')
        self.outgoing = os.path.join(self.root, spool, 'outgoing')
        self.done = os.path.join(self.root, spool, 'outgoing_done')
        self.calls_log = os.path.join(self.root, hostvars.get('lab_calls_log', '/var/log/asterisk/lab-calls.log').lstrip('/'))
        info = os.stat(self.done)
        self.uid, self.gid = info.st_uid, info.st_gid

    def remove(self, directory, prefix):
        for name in os.listdir(directory):
            if name.startswith(prefix):
                os.unlink(os.path.join(directory, name))


def tasks_play(host, count, token):
    tasks = ''.join('    - pycall.asterisk.asterisk_callfile:\n'
                    '        name: bench-%s-%d\n'
                    '        channel: Local/%d@answer\n'
                    '        application: Playback\n'
                    '        data: hello-world\n'
                    '        schedule: +1d\n' % (token, index, index) for index in range(count))
    return '- hosts: %s\n  gather_facts: false\n  tasks:\n%s' % (host, tasks)


def measure_tasks(args, lab, lab_plays):
    rows = []
    for archived in (0, args.archived):
        if archived:
            log('filling %s with %d archived calls' % (lab.done, archived))
            benchlib.fill_archive(lab.done, archived, prefix='bencharchived', uid=lab.uid, gid=lab.gid)
        try:
            calls, pings = [], []
            for round_ in range(args.rounds):
                log('tasks round %d/%d (%d tasks, %d archived)' % (round_ + 1, args.rounds, args.tasks, archived))
                pings.append(lab_plays.run(benchlib.ping_play(lab.host, args.tasks)))
                token = '%d%d' % (archived, round_)
                calls.append(lab_plays.run(tasks_play(lab.host, args.tasks, token)))
                queued = [n for n in os.listdir(lab.outgoing) if n.startswith('bench-%s-' % token)]
                lab.remove(lab.outgoing, 'bench-')
                if len(queued) != args.tasks:
                    raise SystemExit('%d tasks queued %d files' % (args.tasks, len(queued)))
        finally:
            lab.remove(lab.done, 'bencharchived-')
        call, ping = benchlib.best(calls), benchlib.best(pings)
        rows.append(['%d tasks of one call each vs %d `ping` tasks over SSH, %s archived files in `outgoing_done`'
                     % (args.tasks, args.tasks, _n(archived)),
                     '%.2f s (%+.0f ms per task)' % (call, (call - ping) * 1000 / args.tasks),
                     '`ping`: %.2f s' % ping, '%.3fx ping' % (call / ping), '<= 1.05x ping'])
    return rows


# --- row: info at scale ------------------------------------------------------------------------

def info_play(detail):
    extra = '        detail: %s\n' % detail if detail else ''
    return ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - pycall.asterisk.asterisk_callfile_info:\n'
            '        spool_dir: "{{ spool }}/outgoing"\n' + extra)


def info_has_detail():
    with open(os.path.join(benchlib.ROOT, 'plugins', 'modules', 'asterisk_callfile_info.py')) as handle:
        return '\n  detail:\n' in handle.read()


def info_carry_play():
    return ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - bench_info_carry:\n'
            '        result: "{{ result }}"\n')


def info_alone(collections, base, detail):
    """(seconds, result text) of the module run directly by Python, without Ansible."""
    args = {'spool_dir': os.path.join(base, 'outgoing'), '_ansible_check_mode': False}
    if detail:
        args['detail'] = detail
    fd, path = tempfile.mkstemp(prefix='pycall-bench-args-', suffix='.json')
    with os.fdopen(fd, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
    module = os.path.join(benchlib.ROOT, 'plugins', 'modules', 'asterisk_callfile_info.py')
    env = dict(os.environ, PYTHONPATH=collections)
    try:
        start = time.perf_counter()
        out = subprocess.check_output([benchlib.ansible_python(), module, path], env=env)
        elapsed = time.perf_counter() - start
    finally:
        os.unlink(path)
    result = json.loads(out.decode())
    if result.get('failed') or len(result['calls']) != int(result.get('summary', {}).get('total', len(result['calls']))):
        raise SystemExit('asterisk_callfile_info failed: %s' % out[:2000])
    return elapsed, out


def measure_info(args, plays, collections):
    details = [None, 'full'] if info_has_detail() else [None]
    base = benchlib.make_spool(args.dir)
    rows = []
    try:
        benchlib.fill_archive(os.path.join(base, 'outgoing_done'), args.info_archived)
        samples = dict((detail, {'task': [], 'alone': [], 'size': 0}) for detail in details)
        pings, carries = [], []
        # The default result as the module returns it, for the carry case.
        saved = os.path.join(base, 'info-result.json')
        for round_ in range(args.rounds):
            log('info round %d/%d (%d archived)' % (round_ + 1, args.rounds, args.info_archived))
            pings.append(plays.run(benchlib.ping_play()))
            for detail in details:
                samples[detail]['task'].append(plays.run(info_play(detail), {'spool': base}))
                seconds, out = info_alone(collections, base, detail)
                samples[detail]['alone'].append(seconds)
                samples[detail]['size'] = len(out)
                if detail is None:
                    with open(saved, 'wb') as handle:
                        handle.write(out)
            carries.append(plays.run(info_carry_play(), {'result': saved}))
        ping = benchlib.best(pings)
        for detail in details:
            task = benchlib.best(samples[detail]['task']) - ping
            rows.append(['`asterisk_callfile_info` over %s archived calls, whole task%s'
                         % (_n(args.info_archived), ', `detail: full`' if detail else ' (default)'),
                         '%.2f s' % task,
                         'the module alone (no Ansible): %.2f s; result %.1f MB'
                         % (benchlib.best(samples[detail]['alone']), samples[detail]['size'] / 1e6),
                         '-', '< 1 s' if not detail else 'reachable'])
            if detail is None:
                carried = max(benchlib.best(carries) - ping, 1e-6)
                rows.append(['the default task, Ansible\'s share: the same result returned through a module that '
                             'reads no spool (bench/library/bench_info_carry.py)',
                             '%.2f s of the %.2f s' % (carried, task),
                             'the rest, the collection\'s own work: %.2f s' % (task - carried), '-', '-'])
    finally:
        shutil.rmtree(base)
    return rows


# --- row: an immediate call --------------------------------------------------------------------

def immediate_play(host, exten, name):
    return ('- hosts: %s\n  gather_facts: false\n  tasks:\n'
            '    - ansible.builtin.ping:\n'
            '    - name: %s\n'
            '      pycall.asterisk.asterisk_callfile:\n'
            '        name: %s\n'
            '        channel: Local/%s@answer\n'
            '        application: Playback\n'
            '        data: hello-world\n' % (host, CLOCK_TASK, name, exten))


def _dialplan_time(lab, exten, timeout=20):
    """The call log's mtime once it holds this extension's line (the lab host is ours alone)."""
    wanted = 'exten=' + base64.b64encode(('x' + exten).encode()).decode()
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(lab.calls_log) as handle:
                if any(wanted in line.split() for line in handle):
                    return os.stat(lab.calls_log).st_mtime
        except (IOError, OSError):
            pass
        time.sleep(0.02)
    raise SystemExit('extension %s never reached the dialplan (%s)' % (exten, lab.calls_log))


def measure_immediate(args, lab, lab_plays):
    latencies = []
    clock = tempfile.mkstemp(prefix='pycall-bench-clock-')[1]
    try:
        for round_ in range(args.rounds):
            log('immediate call round %d/%d' % (round_ + 1, args.rounds))
            exten = '7%d%d' % (os.getpid() % 10000, round_)
            open(clock, 'w').close()
            lab_plays.run(immediate_play(lab.host, exten, 'bench-now-%s' % exten), clock=clock)
            reached = _dialplan_time(lab, exten)
            with open(clock) as handle:
                started = [float(line.split(' ', 1)[0]) for line in handle if line.rstrip('\n').endswith(CLOCK_TASK)]
            latencies.append(reached - started[-1])
    finally:
        os.unlink(clock)
    return [['an immediate call: task start to Asterisk\'s dialplan', '%.2f s' % benchlib.best(latencies),
             'median of %d: %.2f s' % (len(latencies), benchlib.median(latencies)), '-', '< 1.5 s']]


# --- output ----------------------------------------------------------------------------------

def _n(number):
    return '{:,}'.format(int(round(number)))


HEADER = ['work', 'pycall.asterisk', 'floor / peer in the same run', 'ratio', 'goal']


def print_table(rows, markdown):
    if markdown:
        print(benchlib.markdown_table(HEADER, rows))
        return
    for row in rows:
        print('%s\n    %s | %s | %s | goal %s' % tuple(row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--markdown', action='store_true', help='print the table as Markdown (README)')
    parser.add_argument('--quick', action='store_true', help='every row once at a small N (CI smoke test)')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--calls', type=int, default=10000, help='calls in the one-task batch')
    parser.add_argument('--tasks', type=int, default=20, help='one-call tasks over SSH')
    parser.add_argument('--archived', type=int, default=100000, help='archived files for the tasks row')
    parser.add_argument('--info-archived', type=int, default=10000, help='archived calls for the info row')
    parser.add_argument('--dir', default='/var/tmp', help='where the local spools go (default /var/tmp, a disk)')
    parser.add_argument('--inventory', help='lab inventory (tests/lab/lab inventory); without it no lab rows')
    parser.add_argument('--host', default='ast1')
    parser.add_argument('--peer-venv', default=PEER_VENV)
    parser.add_argument('--no-peer', action='store_true', help='leave pycall 2.3.2 out (no venv is built)')
    parser.add_argument('--only', default='batch,tasks,info,immediate', help='rows to run, comma separated')
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.calls, args.tasks, args.archived, args.info_archived = 1, 200, 3, 1000, 500
    only = set(args.only.split(','))
    collections = benchlib.collection_path()
    plays = benchlib.Playbooks(collections)
    rows = []
    try:
        if 'batch' in only:
            peer = None if args.no_peer else peer_python(args.peer_venv, build=not args.quick)
            rows += measure_batch(args, plays, peer)
        if 'info' in only:
            rows += measure_info(args, plays, collections)
        if args.inventory and only & set(['tasks', 'immediate']):
            lab = Lab(args.inventory, args.host)
            lab_plays = benchlib.Playbooks(collections, inventory=args.inventory)
            try:
                if 'tasks' in only:
                    rows += measure_tasks(args, lab, lab_plays)
                if 'immediate' in only:
                    rows += measure_immediate(args, lab, lab_plays)
            finally:
                lab_plays.close()
    finally:
        plays.close()
        shutil.rmtree(collections)
    print_table(rows, args.markdown)
    return 0


if __name__ == '__main__':
    sys.exit(main())
