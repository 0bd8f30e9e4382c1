"""The command line: `lab COMMAND [ARGS]` (tests/lab/README.md), parsed with argparse.

Exit status: what the command returns (0, or 1 for "not healthy"/"timed out"; `cli` and
`exec` pass on the inner command's), 1 with one line `lab CMD: error: ...` for a LabError
or a usage error, 2 without a command or with an unknown one, 130 when interrupted.

Every argument after the command is data (a host, a call file name that may start with
"-", an Asterisk CLI command, a command line to run in a host), never an option: the
parser is handed "--" before them. Only `lab CMD -h` / `--help` alone asks for help.
"""

import argparse
import os
import sys

from . import commands
from .console import LabError
from .settings import CACHE_DIR, LOGIN_USER, NET, SSH_PORT, STATE_DIR


class UsageError(LabError):
    """Arguments that do not fit the command: reported with its usage line."""


class TopLevelError(Exception):
    """The top-level parser's complaint: once the command is known, only arguments left
    over by the command's parser (`lab up 1 2`) get there."""


class CommandParser(argparse.ArgumentParser):
    """A command's parser: a mistake is a UsageError with the command's usage line."""

    def __init__(self, *args, lab_usage="", **kw):
        super().__init__(*args, add_help=False, **kw)
        self.lab_usage = lab_usage

    def error(self, message):
        raise UsageError("usage: lab " + self.lab_usage)


class TopParser(argparse.ArgumentParser):
    def error(self, message):
        raise TopLevelError(message)


def host_count(text):
    n = int(text)
    if n < 1 or n > 250:
        raise ValueError(text)
    return n


def run_exec(args):
    if not args.command:
        raise UsageError("usage: lab exec HOST COMMAND [ARG...]")
    return commands.cmd_exec(args.host, args.command)


HOST = ("host", {"metavar": "HOST"})

# name, synopsis (for `lab help`), usage line (for errors), summary, arguments, how to run it
COMMANDS = [
    ("up", "up [N]", "up [N]  (1 <= N <= 250)",
     "start N (default 1) Asterisk hosts ast1..astN (idempotent)",
     [("n", {"nargs": "?", "type": host_count, "default": 1, "metavar": "N"})],
     lambda a: commands.cmd_up(a.n)),
    ("down", "down", "down",
     "stop everything, unmount, remove host state (cache stays)",
     [], lambda a: commands.cmd_down()),
    ("status", "status", "status",
     "health of every host; exit 1 unless all are healthy",
     [], lambda a: commands.cmd_status()),
    ("reset", "reset [HOST...]", "reset [HOST...]",
     "hang up calls, empty outgoing/, outgoing_done/, tmp/ and the logs",
     [("hosts", {"nargs": "*", "metavar": "HOST"})], lambda a: commands.cmd_reset(a.hosts)),
    ("wait-done", "wait-done HOST FILE [SEC]", "wait-done HOST FILENAME [TIMEOUT]",
     "wait for outgoing_done/FILE to get a Status: line; print it",
     [HOST, ("filename", {"metavar": "FILE"}),
      ("timeout", {"nargs": "?", "type": float, "default": 60.0, "metavar": "SEC"})],
     lambda a: commands.cmd_wait_done(a.host, a.filename, a.timeout)),
    ("calls", "calls HOST [FIELD]", "calls HOST [FIELD]",
     "call log as JSON lines (values decoded), or one FIELD per call",
     [HOST, ("field", {"nargs": "?", "metavar": "FIELD"})], lambda a: commands.cmd_calls(a.host, a.field)),
    ("log", "log HOST", "log HOST",
     "Asterisk's messages log",
     [HOST], lambda a: commands.cmd_log(a.host)),
    ("root", "root HOST", "root HOST",
     "host-side path of the host's root filesystem",
     [HOST], lambda a: commands.cmd_root(a.host)),
    ("inventory", "inventory [root|labuser]", "inventory [root|%s]" % LOGIN_USER,
     "path of the Ansible inventory",
     [("user", {"nargs": "?", "choices": ("root", LOGIN_USER), "default": "root",
                "metavar": "root|" + LOGIN_USER})],
     lambda a: commands.cmd_inventory(a.user)),
    ("cli", 'cli HOST "CMD"', 'cli HOST "asterisk cli command"',
     "run an Asterisk CLI command on the host",
     [HOST, ("command", {"metavar": "CMD"})], lambda a: commands.cmd_cli(a.host, a.command)),
    ("exec", "exec HOST CMD [ARG...]", "exec HOST COMMAND [ARG...]",
     "run a command chrooted into the host",
     [HOST, ("command", {"nargs": argparse.REMAINDER, "metavar": "CMD [ARG...]"})], run_exec),
]


def usage():
    return "\n".join(
        ["usage: lab COMMAND [ARGS]   (see tests/lab/README.md)"]
        + ["  %-26s %s" % (synopsis, summary) for _name, synopsis, _usage, summary, _args, _run in COMMANDS]
        + ["env: PYCALL_LAB_DIR (%s), PYCALL_LAB_CACHE (%s), PYCALL_LAB_NET (%s), PYCALL_LAB_PORT (%d),"
           % (STATE_DIR, CACHE_DIR, NET, SSH_PORT),
           "     PYCALL_LAB_MIRROR (default: from /etc/apt sources)"])


def build_parser():
    """The top-level parser (no help of its own: `lab help` prints usage()) and the
    commands' parsers by name."""
    top = TopParser(prog="lab", add_help=False)
    sub = top.add_subparsers(dest="lab_command", parser_class=CommandParser)
    parsers = {}
    for name, synopsis, lab_usage, summary, arguments, run in COMMANDS:
        p = sub.add_parser(name, prog="lab " + name, usage="lab " + synopsis, description=summary,
                           lab_usage=lab_usage)
        for dest, kw in arguments:
            p.add_argument(dest, **kw)
        p.set_defaults(run=run)
        parsers[name] = p
    return top, parsers


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help", "help"):
        print(usage())
        return 0 if len(argv) >= 2 else 2
    top, parsers = build_parser()
    name, rest = argv[1], argv[2:]
    if name not in parsers:
        print("lab: unknown command %r\n%s" % (name, usage()), file=sys.stderr)
        return 2
    if rest in (["-h"], ["--help"]):
        print(parsers[name].format_help(), end="")
        return 0
    try:
        try:
            args = top.parse_args([name] + (["--"] + rest if rest else []))
        except TopLevelError:
            raise UsageError("usage: lab " + parsers[name].lab_usage) from None
        return args.run(args)
    except LabError as e:
        print("lab %s: error: %s" % (name, e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lab %s: interrupted" % name, file=sys.stderr)
        return 130
    except PermissionError as e:
        print("lab %s: error: %s: %s (run as root)" % (name, e.strerror, e.filename), file=sys.stderr)
        return 1
    except BrokenPipeError:          # e.g. `lab status | head -1`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
