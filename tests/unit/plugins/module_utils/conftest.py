# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import os
import shutil
import tempfile

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the pure-pytest quick loop without hypothesis
    settings = None

# CI must give the same verdict twice on the same commit: hypothesis explores a fixed sequence
# of examples unless PYCALL_HYPOTHESIS_RANDOM=1 asks for fresh ones (do that when hunting).
# Neither profile judges speed: on a 2-core machine shared with a lab, an example that takes long
# to generate or run says nothing about the code, and must not fail the run.
if settings is not None:
    _UNTIMED = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
    settings.register_profile('pycall-ci', derandomize=True, **_UNTIMED)
    settings.register_profile('pycall-random', **_UNTIMED)
    settings.load_profile('pycall-random' if os.environ.get('PYCALL_HYPOTHESIS_RANDOM') == '1' else 'pycall-ci')

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths


def make_spool(base):
    for name in ('outgoing', 'outgoing_done', 'tmp'):
        os.mkdir(os.path.join(base, name))
    return SpoolPaths(outgoing=os.path.join(base, 'outgoing'))


@pytest.fixture
def spool(tmp_path):
    """An Asterisk-like spool root: outgoing, outgoing_done and tmp."""
    return make_spool(str(tmp_path))


@pytest.fixture
def shared_spool():
    """A spool another local user can reach (pytest's tmp_path is private to root)."""
    base = tempfile.mkdtemp(prefix='pycall-unit-', dir='/tmp')
    os.chmod(base, 0o755)
    paths = make_spool(base)
    for path in (paths.outgoing, paths.staging):
        os.chmod(path, 0o777)
    yield paths
    shutil.rmtree(base)
