# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils.callfile_spool import SpoolPaths


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
