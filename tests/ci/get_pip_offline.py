"""Stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test creates each of its virtual environments without pip and then runs
``~/.ansible/test/cache/get_pip_<X_Y>.py`` through its ``quiet_pip.py`` helper (the script
is executed as ``__main__`` with ``runpy``; its arguments are pip-install arguments such as
``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``). The upstream script
comes from a host that is not reachable here, so tests/ci/common.sh copies this file into
that cache under the expected name and puts ``pip-<X.Y>-py3-none-any.whl`` (fetched with
``pip download``) next to it.

This script unpacks that wheel into a temporary directory, imports pip from there and runs
``pip install --ignore-installed`` with the given arguments, replacing the ``pip==<X.Y>``
requirement by the local wheel and dropping the get-pip-only ``--no-setuptools`` and
``--no-wheel`` flags.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import zipfile

GET_PIP_ONLY_FLAGS = frozenset(('--no-setuptools', '--no-wheel'))


def fail(message):
    """Report an error the way ansible-test shows bootstrap output, then exit."""
    sys.stderr.write('get_pip_offline: %s\n' % message)
    sys.exit(1)


def wanted_version(script_path):
    """Return the pip version encoded in the cache file name, e.g. get_pip_24_2.py -> 24.2."""
    match = re.match(r'^get_pip_([0-9]+(?:_[0-9]+)*)\.py$', os.path.basename(script_path))

    if not match:
        fail('cannot read a pip version from the file name %r' % script_path)

    return match.group(1).replace('_', '.')


def pip_arguments(argv, version, wheel):
    """Translate get-pip arguments into ``pip install`` arguments."""
    pinned = re.compile(r'^pip\s*==\s*%s$' % re.escape(version))
    result = []

    for arg in argv:
        if arg in GET_PIP_ONLY_FLAGS:
            continue

        if pinned.match(arg):
            arg = wheel

        result.append(arg)

    return result


def main():
    """Install pip into the running interpreter from the wheel stored next to this file."""
    script_path = os.path.abspath(__file__)
    version = wanted_version(script_path)
    wheel = os.path.join(os.path.dirname(script_path), 'pip-%s-py3-none-any.whl' % version)

    if not os.path.isfile(wheel):
        fail('missing %s (run tests/ci/common.sh to fetch it)' % wheel)

    args = pip_arguments(sys.argv[1:], version, wheel)
    unpacked = tempfile.mkdtemp(prefix='get-pip-offline-')

    try:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(unpacked)

        sys.path.insert(0, unpacked)

        from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel,import-error

        # The unpacked wheel is on sys.path, so without --ignore-installed pip would find
        # itself "already installed" there and install nothing into the environment.
        status = pip_main(['install', '--ignore-installed'] + args)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)

    sys.exit(status)


if __name__ == '__main__':
    main()
