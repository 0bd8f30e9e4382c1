# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The library's floors: which module may import which (read from the source, not run)."""

import ast
import os
import sys

import pytest

PREFIX = 'ansible_collections.pycall.asterisk.plugins.module_utils'
HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY = os.path.normpath(os.path.join(HERE, '..', '..', '..', '..', 'plugins', 'module_utils'))
# The public face (pycall's API) sits on top; nothing inside imports it back.
FACADE = 'callfile'
# The read side reports what is in the spool; it never depends on the write side.
READ_SIDE = ('callfile_found', 'callfile_report', 'callfile_listing')
WRITE_SIDE = ('callfile_manage', 'callfile_task')


def _imports():
    graph = {}
    for filename in sorted(os.listdir(LIBRARY)):
        if not filename.endswith('.py'):
            continue
        name = filename[:-3]
        with open(os.path.join(LIBRARY, filename)) as handle:
            tree = ast.parse(handle.read(), filename)
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith(PREFIX + '.'):
                    targets.add(node.module[len(PREFIX) + 1:])
                elif node.module == PREFIX:
                    targets.update(alias.name for alias in node.names)
                else:
                    targets.add('external:' + node.module)
            elif isinstance(node, ast.Import):
                targets.update('external:' + alias.name for alias in node.names)
        graph[name] = targets
    return graph


GRAPH = _imports()


def test_the_library_was_found():
    assert FACADE in GRAPH and len(GRAPH) > 10


def test_nothing_imports_the_public_facade():
    assert sorted(name for name, targets in GRAPH.items() if FACADE in targets) == []


@pytest.mark.parametrize('reader', READ_SIDE)
def test_read_side_never_imports_the_write_side(reader):
    assert sorted(GRAPH[reader] & set(WRITE_SIDE)) == []


def test_imports_form_floors_without_cycles():
    seen, done = set(), set()

    def visit(name, path):
        if name in done:
            return
        assert name not in seen, 'import cycle: %s' % ' -> '.join(path + [name])
        seen.add(name)
        for target in GRAPH.get(name, ()):
            if target in GRAPH:
                visit(target, path + [name])
        done.add(name)

    for name in GRAPH:
        visit(name, [])


def test_standard_library_only():
    # Targets run the library with nothing but Python: no Ansible, no third-party package.
    stdlib = getattr(sys, 'stdlib_module_names', None)
    for name, targets in GRAPH.items():
        for target in targets:
            if not target.startswith('external:'):
                continue
            top = target[len('external:'):].split('.')[0]
            assert top not in ('ansible', 'ansible_collections'), '%s imports %s' % (name, target)
            if stdlib is not None:
                assert top in stdlib or top == '__future__', '%s imports %s' % (name, target)
