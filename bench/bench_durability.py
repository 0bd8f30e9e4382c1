# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What durability costs the call-file writer, against the filesystem's floor.

    python3 bench/bench_durability.py [--calls 300] [--rounds 3] [--dir /var/tmp] [--dir /dev/shm]

A call survives a power cut once it is reported spooled only if its content reached the
disk before its name appeared in outgoing (file fsync before the rename) and the new name
reached the disk before success is reported (directory fsync after the rename): two
syncs, the floor for one durable publish. Measured per call, median of --rounds:

  floor        write, fsync, rename, fsync(dir) - bare syscalls, nothing else
  floor+meta   the same plus fchmod, fchown, utime before the fsync (the proposed order)
  writer       write_callfile(durable=True): the library's publish (lock-free part)
  writer-nosync write_callfile(durable=False): what the two syncs cost
  module path  ensure_calls for one named call: lock, staging clean-up, scan, publish
  batch        ensure_calls for --calls calls in one task, per call; and the batch floor
               (a file fsync per call, ONE directory fsync at the end)

Prints a Markdown table (README's Reliability section) with the number of fsyncs each case
makes per call (exact) next to its time (noisy on a shared machine: the cases run
round-robin, and the median of the rounds is shown). Run as any user.
"""

import argparse
import os
import shutil
import statistics
import sys
import time

import benchlib

TEXT = benchlib.CALL_TEXT
make_spool = benchlib.make_spool


class _CountingFsync:
    """os.fsync, counted: how many syncs a case needs is exact where its time is noisy."""

    def __init__(self):
        self.real = os.fsync
        self.count = 0

    def __call__(self, fd):
        self.count += 1
        return self.real(fd)


def timed(func, parent, calls):
    """(seconds per call, fsyncs per call) of one run of ``func``."""
    base = make_spool(parent)
    counter = _CountingFsync()
    os.fsync = counter
    try:
        start = time.perf_counter()
        func(base, calls)
        return (time.perf_counter() - start) / calls, counter.count / float(calls)
    finally:
        os.fsync = counter.real
        shutil.rmtree(base)


def floor(base, calls, meta=False, batch=False):
    staging, outgoing = os.path.join(base, 'tmp'), os.path.join(base, 'outgoing')
    data = TEXT.encode()
    due = int(time.time()) + 86400
    for index in range(calls):
        staged = os.path.join(staging, 's%d' % index)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        if meta:
            os.fchmod(fd, 0o640)
            os.fchown(fd, os.getuid(), os.getgid())
            os.utime(fd, (due, due))
        os.fsync(fd)
        os.close(fd)
        os.rename(staged, os.path.join(outgoing, 'c%d.call' % index))
        if not batch:
            benchlib.fsync_dir(outgoing)
    if batch:
        benchlib.fsync_dir(outgoing)


def writer(base, calls, durable=True):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths, write_callfile
    paths = SpoolPaths(outgoing=os.path.join(base, 'outgoing'))
    due = int(time.time()) + 86400
    for index in range(calls):
        write_callfile(paths, 'c%d.call' % index, TEXT, due, uid=os.getuid(), gid=os.getgid(), durable=durable)


def _requests(count, prefix):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import CallRequest
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import CallSpec
    return [CallRequest(CallSpec('Local/%d@answer' % index, application='Playback', data='hello-world', archive=True),
                        name='%s-%d' % (prefix, index), schedule='+1d') for index in range(count)]


def module_path(base, calls):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import ensure_calls
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths
    paths = SpoolPaths(outgoing=os.path.join(base, 'outgoing'))
    for request in _requests(calls, 'one'):
        ensure_calls(paths, [request])


def batch(base, calls):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.manage import ensure_calls
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths
    paths = SpoolPaths(outgoing=os.path.join(base, 'outgoing'))
    ensure_calls(paths, _requests(calls, 'batch'))


CASES = [
    ('floor: write, fsync, rename, fsync(dir)', floor),
    ('floor + fchmod/fchown/utime before the fsync', lambda b, n: floor(b, n, meta=True)),
    ('writer, durable (write_callfile)', writer),
    ('writer, no fsync (durable=False)', lambda b, n: writer(b, n, durable=False)),
    ('module path, one call per ensure_calls', module_path),
    ('batch floor: fsync per file, one fsync(dir)', lambda b, n: floor(b, n, batch=True)),
    ('batch: N calls in one ensure_calls', batch),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--calls', type=int, default=300)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--dir', action='append', default=None, help='filesystems to measure (default /var/tmp, /dev/shm)')
    args = parser.parse_args()
    col = benchlib.collection_path(importable=True)
    dirs = [d for d in (args.dir or ['/var/tmp', '/dev/shm']) if os.path.isdir(d)]
    samples = dict(((parent, label), []) for parent in dirs for label, _func in CASES)
    syncs = {}
    # Round-robin over the cases, so that a slow moment of the disk hits all of them alike.
    for _round in range(args.rounds):
        for parent in dirs:
            for label, func in CASES:
                seconds, per_call = timed(func, parent, args.calls)
                samples[(parent, label)].append(seconds)
                syncs[label] = per_call
    results = dict((key, statistics.median(values)) for key, values in samples.items())
    shutil.rmtree(col)
    print('| %s | fsyncs | %s |' % ('per call, median of %d rounds of %d' % (args.rounds, args.calls),
                                    ' | '.join('%s ms | x floor' % d for d in dirs)))
    print('|---|---:|%s' % ('---:|---:|' * len(dirs)))
    for label, _func in CASES:
        cells = []
        for parent in dirs:
            value = results[(parent, label)]
            base = results[(parent, CASES[5][0] if label.startswith('batch') else CASES[0][0])]
            cells.append('%.3f | %.2f' % (value * 1000, value / base))
        print('| %s | %.2f | %s |' % (label, syncs[label], ' | '.join(cells)))
    cells = []
    for parent in dirs:
        extra = results[(parent, CASES[2][0])] - results[(parent, CASES[3][0])]
        cells.append('%.3f | %.2f' % (extra * 1000, extra / results[(parent, CASES[0][0])]))
    print('| what durability adds to the writer (durable - no fsync) | 2.00 | %s |' % ' | '.join(cells))
    return 0


if __name__ == '__main__':
    sys.exit(main())
