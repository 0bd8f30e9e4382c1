"""The copies `lab up` leaves in the state dir for runme.sh scripts.

ansible-test runs a script target from a temporary copy with a filtered environment, so
a runme.sh finds the lab through $STATE_DIR/lib.sh, which calls $STATE_DIR/lab: that copy
needs everything the lab is made of (lab, lab.py, this package and the files hosts get).
"""

import os
import shutil

from .settings import LAB_HOME, STATE_DIR

# (path relative to LAB_HOME, mode of the copy)
FILES = (("lib.sh", 0o755), ("lab", 0o755), ("lab.py", 0o644))
# Directories copied file by file (not recursively); files no longer in the source go.
DIRS = ("pycall_lab", "asterisk", "ssh")


def _copy(src, dst, mode):
    """Replace dst by a copy of src in one rename (a runme.sh may be using the old one)."""
    shutil.copyfile(src, dst + ".tmp")
    os.chmod(dst + ".tmp", mode)
    os.rename(dst + ".tmp", dst)


def install_helpers():
    """Copy lib.sh and the lab into the state dir, for runme.sh scripts to source."""
    if os.path.realpath(LAB_HOME) == os.path.realpath(STATE_DIR):
        return                                   # this is the copy: nothing to do
    for rel, mode in FILES:
        src = os.path.join(LAB_HOME, rel)
        if os.path.exists(src):
            _copy(src, os.path.join(STATE_DIR, rel), mode)
    for rel in DIRS:
        src_dir = os.path.join(LAB_HOME, rel)
        dst_dir = os.path.join(STATE_DIR, rel)
        wanted = sorted(f for f in os.listdir(src_dir) if os.path.isfile(os.path.join(src_dir, f))
                        and not f.endswith((".pyc", ".tmp")))
        os.makedirs(dst_dir, exist_ok=True)
        for f in wanted:
            _copy(os.path.join(src_dir, f), os.path.join(dst_dir, f), 0o644)
        for f in os.listdir(dst_dir):
            if f not in wanted and os.path.isfile(os.path.join(dst_dir, f)):
                os.unlink(os.path.join(dst_dir, f))
