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
PLUGINS = os.path.normpath(os.path.join(HERE, '..', '..', '..', '..', 'plugins'))
LIBRARY = os.path.join(PLUGINS, 'module_utils')
PRIVATE = '_callfile'
# The public face (pycall's API) sits on top; nothing inside imports it back.
FACADE = 'callfile'
# The read side reports what is in the spool; it never depends on the write side.
READ_SIDE = ('_callfile.found', '_callfile.report', '_callfile.listing')
WRITE_SIDE = ('_callfile.manage', '_callfile.task')


def _targets(path):
    """What one file imports: names under module_utils as '_callfile.x' or 'callfile', others as 'external:x'."""
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(PREFIX + '.' + PRIVATE + '.') or node.module == PREFIX + '.' + FACADE:
                targets.add(node.module[len(PREFIX) + 1:])
            elif node.module in (PREFIX, PREFIX + '.' + PRIVATE):
                base = node.module[len(PREFIX) + 1:]
                targets.update((base + '.' if base else '') + alias.name for alias in node.names)
            else:
                targets.add('external:' + node.module)
        elif isinstance(node, ast.Import):
            targets.update('external:' + alias.name for alias in node.names)
    return targets


def _graph():
    graph = {FACADE: _targets(os.path.join(LIBRARY, FACADE + '.py'))}
    for filename in sorted(os.listdir(os.path.join(LIBRARY, PRIVATE))):
        if filename.endswith('.py') and filename != '__init__.py':
            graph[PRIVATE + '.' + filename[:-3]] = _targets(os.path.join(LIBRARY, PRIVATE, filename))
    return graph


GRAPH = _graph()


def test_the_library_was_found():
    assert FACADE in GRAPH and len(GRAPH) > 10


def test_module_utils_holds_only_the_facade_and_the_private_package():
    # Anything else at the top of module_utils would read as public.
    assert sorted(name for name in os.listdir(LIBRARY) if name != '__pycache__') == sorted([FACADE + '.py', PRIVATE])


def test_the_private_package_init_is_empty():
    # ansible-test's empty-init rule, and no public names through the package itself.
    assert os.path.getsize(os.path.join(LIBRARY, PRIVATE, '__init__.py')) == 0


def test_nothing_imports_the_public_facade():
    assert sorted(name for name, targets in GRAPH.items() if FACADE in targets) == []


def test_every_import_under_module_utils_names_a_real_module():
    for name, targets in GRAPH.items():
        for target in targets:
            if not target.startswith('external:'):
                assert target in GRAPH, '%s imports %s, which is neither the facade nor a private module' % (name, target)


@pytest.mark.parametrize('module', ['asterisk_callfile', 'asterisk_callfile_info'])
def test_modules_build_on_the_private_package_only(module):
    targets = _targets(os.path.join(PLUGINS, 'modules', module + '.py'))
    ours = sorted(t for t in targets if not t.startswith('external:'))
    assert ours and all(t.startswith(PRIVATE + '.') for t in ours), ours
    others = sorted(t for t in targets if t.startswith('external:') and t != 'external:ansible.module_utils.basic')
    assert others == [], others


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
