# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every public name of pycall 1.6 and 2.3.2 must exist in the shim, with its keywords and attributes.

Reads pycall's own sources (from the sdists tests/ci/pycall.sh downloads) as
text: 1.6 is Python 2 and cannot be imported.  For each module, class,
method, ``__init__`` keyword and ``self.<attribute>`` there, the shim's
``pycall`` package (PYTHONPATH) must answer.  Prints one line per name and
"N passed, M failed".
Usage: check_api.py PYCALL_1_6_PACKAGE_DIR PYCALL_2_3_2_PACKAGE_DIR
"""

import importlib
import inspect
import os
import re
import sys

_CLASS = re.compile(r'^class (\w+)\s*(?:\(([^)]*)\))?:', re.M)
_DEF = re.compile(r'^\s+def (\w+)\((.*?)\):', re.M | re.S)
_ATTR = re.compile(r'\bself\.(\w+)\s*=[^=]')


def classes(text):
    """(name, bases, body) of each top-level class."""
    found = list(_CLASS.finditer(text))
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        yield match.group(1), match.group(2) or '', text[match.end():end]


def params(arglist):
    names = []
    for part in arglist.replace('\n', ' ').split(','):
        name = part.split('=')[0].strip().lstrip('*')
        if name and name != 'self':
            names.append(name)
    return names


# A minimal valid object of each class, to look for the attributes pycall set.
SAMPLES = {
    'Call': lambda mod: mod.Call('SIP/flowroute/1'),
    'Application': lambda mod: mod.Application('Playback', 'hello-world'),
    'Context': lambda mod: mod.Context('survey', 's', '1'),
}


def sample(module, name, version):
    if name == 'CallFile':
        if version == '1.6':
            return module.CallFile()
        top = importlib.import_module('pycall')
        return module.CallFile(top.Call('SIP/flowroute/1'), top.Application('Playback', 'hello-world'))
    maker = SAMPLES.get(name)
    return maker(importlib.import_module('pycall')) if maker else None


def check_module(version, path, module_name, results):
    with open(path) as handle:
        text = handle.read()
    module = importlib.import_module(module_name)
    for name, bases, body in classes(text):
        label = '%s %s.%s' % (version, module_name, name)
        ours = getattr(module, name, None)
        results.append((label, ours is not None, 'missing'))
        if ours is None:
            continue
        if 'Exception' in bases or 'Error' in bases or name.endswith(('Error', 'Exception', 'Defined')):
            ok = isinstance(ours, type) and issubclass(ours, Exception)
            results.append((label + '()', ok and isinstance(ours(), Exception), 'not an exception raisable bare'))
            continue
        for method, arglist in _DEF.findall(body):
            if method.startswith('_') and method not in ('__init__', '__str__'):
                continue
            results.append(('%s.%s' % (label, method), hasattr(ours, method), 'missing'))
            if method != '__init__':
                continue
            signature = inspect.signature(ours)
            takes_any = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
            for keyword in params(arglist):
                if takes_any and keyword not in signature.parameters:
                    try:
                        ours(**{keyword: None})
                        ok = True
                    except TypeError:
                        ok = False
                else:
                    ok = keyword in signature.parameters
                results.append(('%s(%s=)' % (label, keyword), ok, 'keyword not accepted'))
        instance = sample(module, name, version)
        if instance is not None:
            for attr in sorted(set(_ATTR.findall(body))):
                results.append(('%s .%s' % (label, attr), hasattr(instance, attr), 'attribute missing'))


MODULES = {
    '1.6': (('callfile.py', 'pycall.callfile'), ('callfileexceptions.py', 'pycall.callfileexceptions')),
    '2.3.2': (('call.py', 'pycall.call'), ('actions.py', 'pycall.actions'), ('callfile.py', 'pycall.callfile'),
              ('errors.py', 'pycall.errors')),
}


def main(dir_1, dir_2):
    results = []
    for version, directory in (('1.6', dir_1), ('2.3.2', dir_2)):
        for filename, module_name in MODULES[version]:
            check_module(version, os.path.join(directory, filename), module_name, results)
    # 2.x's package exports.
    with open(os.path.join(dir_2, '__init__.py')) as handle:
        # `from __future__ import ...` names compiler features, not pycall's API.
        exported = re.findall(r'^from (?!__future__\b)[\w.]+ import ([\w, ]+)$', handle.read(), re.M)
    top = importlib.import_module('pycall')
    for group in exported:
        for name in (part.strip() for part in group.split(',')):
            results.append(('2.3.2 pycall.%s' % name, hasattr(top, name), 'missing'))
    failed = 0
    for label, ok, why in results:
        print('%s %s%s' % ('PASSED' if ok else 'FAILED', label, '' if ok else ': ' + why))
        failed += 0 if ok else 1
    print('%d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
