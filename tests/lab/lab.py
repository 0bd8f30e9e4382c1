"""pycall.asterisk test lab: N real Asterisk 22 hosts on loopback (tests/lab/README.md).

The entry point `tests/lab/lab` runs; the lab itself is the package pycall_lab/ beside
this file, and the files the hosts get are in asterisk/ and ssh/. Python 3 standard
library only; run as root.
"""

import importlib
import os
import sys

# The lab runs as root, often from a user's checkout: leave no root-owned __pycache__ there.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

if __name__ == "__main__":
    sys.exit(importlib.import_module("pycall_lab.cli").main(sys.argv))
