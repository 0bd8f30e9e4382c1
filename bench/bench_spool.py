# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of the call-file writer and the module.

    python3 bench/bench_spool.py [--calls 1000] [--skip-ansible]

Prints a Markdown table (the one in README.md comes from here). Measures:
  * writer: calls spooled per second with durability (file + directory
    fsync) and without, on the disk under /var/tmp and on tmpfs, against
    the filesystem's floor for a durable publish (write, fsync, rename,
    directory fsync with nothing else);
  * module: N calls in one asterisk_callfile task (calls=...) against a
    loop of N tasks, run by ansible-playbook on localhost.
Run it as any user; ansible-playbook must be on PATH for the module part.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib

collection_path = benchlib.collection_path
make_spool = benchlib.make_spool


def bench_writer(parent, count, durable):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths, write_callfile
    base = make_spool(parent)
    paths = SpoolPaths(outgoing=os.path.join(base, 'outgoing'))
    text = benchlib.CALL_TEXT
    due = int(time.time()) + 86400
    start = time.perf_counter()
    for index in range(count):
        write_callfile(paths, 'bench-%d.call' % index, text, due, durable=durable)
    elapsed = time.perf_counter() - start
    shutil.rmtree(base)
    return elapsed


def bench_bare_fsync(parent, count):
    """The floor of a durable publish: write, fsync, rename, fsync the directory."""
    base = tempfile.mkdtemp(prefix='pycall-bench-floor-', dir=parent)
    os.mkdir(os.path.join(base, 'in'))
    start = time.perf_counter()
    for index in range(count):
        staged = os.path.join(base, 'f%d' % index)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, b'Channel: Local/1@a\n')
        os.fsync(fd)
        os.close(fd)
        os.rename(staged, os.path.join(base, 'in', 'f%d' % index))
        dfd = os.open(os.path.join(base, 'in'), os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
    elapsed = time.perf_counter() - start
    shutil.rmtree(base)
    return elapsed


def playbook(kind, count):
    head = ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - pycall.asterisk.asterisk_callfile:\n'
            '        application: Echo\n'
            '        spool_dir: "{{ spool }}/outgoing"\n'
            '        schedule: +1d\n')
    if kind == 'batch':
        entries = ''.join('          - channel: PJSIP/%d\n' % index for index in range(1, count + 1))
        return head + '        name: bench\n        calls:\n' + entries
    return head + ('        name: "bench-{{ item }}"\n'
                   '        channel: "PJSIP/{{ item }}"\n'
                   '      loop: "{{ range(1, count | int + 1) | list }}"\n')


def bench_module(parent, count, kind, collections):
    base = make_spool(parent)
    play = os.path.join(base, 'play.yml')
    text = playbook(kind, count)
    with open(play, 'w') as handle:
        handle.write(text)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    start = time.perf_counter()
    subprocess.check_call([benchlib.ansible_bin('ansible-playbook'), '-i', 'localhost,', '-c', 'local', play,
                           '-e', 'ansible_python_interpreter=%s' % sys.executable,
                           '-e', 'spool=%s count=%d' % (base, count)], env=env, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    spooled = len(os.listdir(os.path.join(base, 'outgoing')))
    shutil.rmtree(base)
    if spooled != count:
        raise SystemExit('%s run spooled %d files, expected %d' % (kind, spooled, count))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--calls', type=int, default=1000)
    parser.add_argument('--skip-ansible', action='store_true')
    args = parser.parse_args()
    collections = collection_path()
    sys.path.insert(0, collections)
    rows = []
    for label, parent in (('disk (/var/tmp)', '/var/tmp'), ('tmpfs (/dev/shm)', '/dev/shm')):
        if not os.path.isdir(parent):
            continue
        floor = bench_bare_fsync(parent, args.calls)
        durable = bench_writer(parent, args.calls, True)
        fast = bench_writer(parent, args.calls, False)
        rows.append(('writer, durable (fsync file + dir), %s' % label, args.calls, durable))
        rows.append(('writer, no fsync, %s' % label, args.calls, fast))
        rows.append(('floor: write + fsync + rename + dir fsync, %s' % label, args.calls, floor))
    if not args.skip_ansible:
        rows.append(('module: %d calls in one task (calls=...)' % args.calls, args.calls,
                     bench_module('/var/tmp', args.calls, 'batch', collections)))
        rows.append(('module: loop of %d tasks' % args.calls, args.calls,
                     bench_module('/var/tmp', args.calls, 'loop', collections)))
    shutil.rmtree(collections)
    print('| what | calls | seconds | calls/s |')
    print('|---|---:|---:|---:|')
    for label, count, seconds in rows:
        print('| %s | %d | %.3f | %.0f |' % (label, count, seconds, count / seconds))


if __name__ == '__main__':
    main()
