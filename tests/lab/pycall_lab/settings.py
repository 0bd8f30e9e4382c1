"""Settings: what the environment chooses, and the paths every host shares.

Read once at import: PYCALL_LAB_DIR, PYCALL_LAB_CACHE, PYCALL_LAB_NET, PYCALL_LAB_PORT
(PYCALL_LAB_MIRROR is read by base.py when a base is built).
"""

import os
import re

STATE_DIR = os.path.abspath(os.environ.get("PYCALL_LAB_DIR", "/var/tmp/pycall-lab"))
CACHE_DIR = os.path.abspath(os.environ.get("PYCALL_LAB_CACHE", "/var/cache/pycall-lab"))
NET = os.environ.get("PYCALL_LAB_NET", "127.0.10")          # host N listens on NET.N
SSH_PORT = int(os.environ.get("PYCALL_LAB_PORT", "10022"))
SUITE = "sid"

# The directory holding lab.py, lib.sh and the files the hosts get (asterisk/, ssh/):
# tests/lab in a checkout, or the state dir for the copy `lab up` leaves there.
LAB_HOME = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))

LOGIN_USER = "labuser"

# Paths inside every host.
SPOOL = "/var/spool/asterisk"
ASTLOG = "/var/log/asterisk"
CALLS_LOG = ASTLOG + "/lab-calls.log"
MESSAGES_LOG = ASTLOG + "/messages"

CHROOT_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "LANG": "C.UTF-8", "HOME": "/root", "TERM": "dumb"}
HOST_RE = re.compile(r"^ast([1-9][0-9]*)$")


def lab_file(*parts):
    """Text of a file shipped with the lab (e.g. lab_file("asterisk", "logger.conf"))."""
    with open(os.path.join(LAB_HOME, *parts), encoding="utf-8") as f:
        return f.read()
