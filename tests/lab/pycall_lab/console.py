"""What the lab says: progress notes on stderr, and the error that ends a command.

A LabError becomes the one line `lab CMD: error: MESSAGE` and exit status 1 (cli.py).
"""

import sys


class LabError(Exception):
    """A failure explained in one line; the command stops with exit status 1."""


def die(msg):
    raise LabError(msg)


def info(msg):
    print("lab: " + msg, file=sys.stderr, flush=True)
