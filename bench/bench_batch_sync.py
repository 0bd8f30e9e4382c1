# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How to make a batch of staged call files durable with the fewest syncs: which way measures best.

    python3 bench/bench_batch_sync.py [--markdown] [--quick] [--sizes 1,100,10000] [--rounds 3] [--dir /var/tmp]

Every strategy stages N files exactly as the writer does (content, mode, owner, due time as
mtime), publishes them by rename and ends with every file and name on disk:

  per call      fsync each staged file, rename it, fsync outgoing: 2N syncs (the writer today)
  fsync each    fsync each staged file, rename all, one fsync of outgoing: N + 1
  syncfs        one syncfs(2) of the spool filesystem (libc through ctypes), rename all, one fsync
                of outgoing: 2; the ctypes import a module run would pay is measured apart
  os.sync       one sync(2) (every filesystem of the machine), rename all, one fsync of outgoing: 2

fdatasync is not a candidate: it may leave the inode's mode, owner and mtime (Asterisk's due
time) unwritten. Times are the best of --rounds, the strategies run round-robin.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

import benchlib


def _stage(staging, count, due):
    data = benchlib.CALL_TEXT.encode()
    staged = []
    for index in range(count):
        path = os.path.join(staging, 's%d' % index)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.fchmod(fd, 0o640)
        os.fchown(fd, os.getuid(), os.getgid())
        os.utime(fd, (due, due))
        staged.append((path, fd))
    return staged


def _publish(staged, outgoing):
    for index, (path, _fd) in enumerate(staged):
        os.rename(path, os.path.join(outgoing, 'c%d.call' % index))


def _close(staged):
    for _path, fd in staged:
        os.close(fd)


def per_call(staging, outgoing, count, due):
    for index, (path, fd) in enumerate(_stage(staging, count, due)):
        os.fsync(fd)
        os.close(fd)
        os.rename(path, os.path.join(outgoing, 'c%d.call' % index))
        benchlib.fsync_dir(outgoing)


def fsync_each(staging, outgoing, count, due):
    staged = _stage(staging, count, due)
    for _path, fd in staged:
        os.fsync(fd)
    _close(staged)
    _publish(staged, outgoing)
    benchlib.fsync_dir(outgoing)


def _libc_syncfs():
    import ctypes
    func = ctypes.CDLL(None, use_errno=True).syncfs
    func.argtypes = [ctypes.c_int]
    return func


def syncfs(staging, outgoing, count, due):
    staged = _stage(staging, count, due)
    if _libc_syncfs()(staged[0][1]) != 0:
        raise OSError('syncfs failed')
    _close(staged)
    _publish(staged, outgoing)
    benchlib.fsync_dir(outgoing)


def global_sync(staging, outgoing, count, due):
    staged = _stage(staging, count, due)
    os.sync()
    _close(staged)
    _publish(staged, outgoing)
    benchlib.fsync_dir(outgoing)


STRATEGIES = [('per call: fsync file, rename, fsync dir (2N)', per_call),
              ('fsync each staged file, rename all, fsync dir (N+1)', fsync_each),
              ('syncfs once, rename all, fsync dir (2)', syncfs),
              ('os.sync once, rename all, fsync dir (2)', global_sync)]


def ctypes_import_ms(rounds):
    """What importing ctypes and finding syncfs costs a fresh interpreter (a module run pays it once)."""
    code = ('import time; t = time.perf_counter(); import ctypes; '
            'ctypes.CDLL(None, use_errno=True).syncfs; print(time.perf_counter() - t)')
    return min(float(subprocess.check_output([sys.executable, '-c', code]).decode()) for _round in range(rounds)) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--markdown', action='store_true')
    parser.add_argument('--quick', action='store_true', help='sizes 1 and 50, one round')
    parser.add_argument('--sizes', default='1,100,10000')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--dir', default='/var/tmp')
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds = '1,50', 1
    sizes = [int(s) for s in args.sizes.split(',')]
    samples = dict(((label, n), []) for label, _f in STRATEGIES for n in sizes)
    for _round in range(args.rounds):
        for n in sizes:
            for label, func in STRATEGIES:
                base = benchlib.make_spool(args.dir)
                try:
                    due = int(time.time()) + 86400
                    start = time.perf_counter()
                    func(os.path.join(base, 'tmp'), os.path.join(base, 'outgoing'), n, due)
                    samples[(label, n)].append(time.perf_counter() - start)
                finally:
                    shutil.rmtree(base)
    header = ['batch made durable (%s, best of %d)' % (args.dir, args.rounds)]
    for n in sizes:
        header += ['N=%s ms' % '{:,}'.format(n), 'x per call']
    rows = []
    for label, _f in STRATEGIES:
        cells = [label]
        for n in sizes:
            value, base = min(samples[(label, n)]), min(samples[(STRATEGIES[0][0], n)])
            cells += ['%.1f' % (value * 1000), '%.2f' % (value / base)]
        rows.append(cells)
    rows.append(['import ctypes + find syncfs, fresh interpreter (once per run)']
                + ['%.1f' % ctypes_import_ms(max(args.rounds, 3)), '-'] + ['-', '-'] * (len(sizes) - 1))
    if args.markdown:
        print(benchlib.markdown_table(header, rows))
    else:
        for row in rows:
            print(' | '.join(row))
    return 0


if __name__ == '__main__':
    sys.exit(main())
