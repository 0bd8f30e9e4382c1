# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers the benchmarks in bench/ share: a collection path, scratch spools, playbook runs.

Not a benchmark itself; the bench_*.py scripts import it from their own directory.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CALL_TEXT = 'Channel: Local/18002223333@answer\nApplication: Playback\nData: hello-world\nArchive: yes\n'
# The controller venv CI builds (tests/ci/common.sh): used when ansible-playbook is not on PATH.
CI_CONTROLLER_BIN = '/var/tmp/pycall-ci/venv-controller-a/bin'


def collection_path(importable=False):
    """A collections dir whose pycall/asterisk is this checkout (on sys.path with ``importable``)."""
    base = tempfile.mkdtemp(prefix='pycall-bench-col-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'pycall'))
    os.symlink(ROOT, os.path.join(base, 'ansible_collections', 'pycall', 'asterisk'))
    if importable:
        sys.path.insert(0, base)
    return base


def make_spool(parent, prefix='pycall-bench-'):
    """outgoing, outgoing_done and tmp in a new directory under ``parent``."""
    base = tempfile.mkdtemp(prefix=prefix, dir=parent)
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        os.mkdir(os.path.join(base, name))
    return base


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def archived_text(index, status='Completed'):
    """An archived call file as Asterisk leaves it: the call, one attempt, a Status line."""
    return ('Channel: Local/%d@answer\nApplication: Playback\nData: hello-world\nArchive: yes\n'
            'StartRetry: 4242 1 (1798101000)\nStatus: %s\n' % (index, status))


def fill_archive(done_dir, count, prefix='archived', uid=None, gid=None):
    """``count`` archived calls named like the module's (<name>.<16 hex>.call) in ``done_dir``."""
    for index in range(count):
        path = os.path.join(done_dir, '%s-%d.%016x.call' % (prefix, index, index))
        with open(path, 'w') as handle:
            handle.write(archived_text(index, ('Completed', 'Expired', 'Failed')[index % 3]))
        if uid is not None:
            os.chown(path, uid, gid)


def ansible_bin(name):
    """Path of an Ansible command: on PATH, else in CI's controller venv."""
    found = shutil.which(name)
    if found:
        return found
    candidate = os.path.join(CI_CONTROLLER_BIN, name)
    if os.access(candidate, os.X_OK):
        return candidate
    raise SystemExit('%s is neither on PATH nor in %s (run CONTROLLERS=a make setup-a or put Ansible on PATH)'
                     % (name, CI_CONTROLLER_BIN))


def ansible_python():
    """The Python that runs ansible-playbook (it can import ansible): for running a module directly."""
    with open(ansible_bin('ansible-playbook')) as handle:
        first = handle.readline()
    return first[2:].strip() if first.startswith('#!') else sys.executable


class Playbooks:
    """Runs playbooks against this checkout, timed, in a scratch directory."""

    def __init__(self, collections, inventory=None, extra_env=None):
        self.collections = collections
        self.inventory = inventory
        self.workdir = tempfile.mkdtemp(prefix='pycall-bench-play-')
        self.command = ansible_bin('ansible-playbook')
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_LOCALHOST_WARNING='0',
                        ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_PYTHON_INTERPRETER='auto_silent',
                        ANSIBLE_HOST_KEY_CHECKING='0', ANSIBLE_RETRY_FILES_ENABLED='0',
                        ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
                        ANSIBLE_LIBRARY=os.path.join(HERE, 'library'),
                        ANSIBLE_CALLBACKS_ENABLED='bench_clock')
        self.env.update(extra_env or {})
        self.count = 0

    def run(self, text, extra_vars=None, clock=None):
        """Seconds one ansible-playbook run of ``text`` takes; fails loudly if the play fails.

        With ``clock`` (a path), the bench_clock callback appends "<epoch> <task name>" per task start.
        """
        self.count += 1
        play = os.path.join(self.workdir, 'play-%d.yml' % self.count)
        with open(play, 'w') as handle:
            handle.write(text)
        if self.inventory:
            command = [self.command, '-i', self.inventory, play]
        else:
            command = [self.command, '-i', 'localhost,', '-c', 'local', play,
                       '-e', 'ansible_python_interpreter=%s' % sys.executable]
        for key, value in sorted((extra_vars or {}).items()):
            command += ['-e', '%s=%s' % (key, value)]
        env = dict(self.env, PYCALL_BENCH_CLOCK=clock or '')
        start = time.perf_counter()
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            output = done.stdout.decode('utf-8', 'replace')[-4000:]
            raise SystemExit('ansible-playbook failed (rc %d):\n%s\n%s' % (done.returncode, text[:2000], output))
        return elapsed

    def close(self):
        shutil.rmtree(self.workdir, ignore_errors=True)


def ping_play(hosts='localhost', tasks=1):
    body = '    - ansible.builtin.ping:\n' * tasks
    return '- hosts: %s\n  gather_facts: false\n  tasks:\n%s' % (hosts, body)


def best(values):
    return min(values)


def median(values):
    return statistics.median(values)


def markdown_table(header, rows):
    """``header`` and ``rows`` (lists of cells) as a Markdown table; numbers right-aligned."""
    def numeric(cell):
        return cell[:1].isdigit() or cell[:1] in '-<' and cell[1:2].isdigit()
    lines = ['| %s |' % ' | '.join(header)]
    align = ['---:' if rows and all(numeric(row[i]) for row in rows if row[i] != '-') and i else '---'
             for i in range(len(header))]
    lines.append('|%s|' % '|'.join(align))
    lines.extend('| %s |' % ' | '.join(row) for row in rows)
    return '\n'.join(lines)
