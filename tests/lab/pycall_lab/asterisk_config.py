"""Asterisk's configuration on every host: the files in tests/lab/asterisk/, filled in.

The files are Asterisk's own format, read as they are, except for placeholders @NAME@
(capitals), which this module replaces: @LAB_CALLS_LOG@ by the call log's path and
@LAB_ENTRY_CONTEXTS@ by the contexts call files name, generated from CONTEXTS below (the
same six extension patterns for each, which nobody should have to keep in step by hand).
"""

import re

from .console import die
from .settings import CALLS_LOG, lab_file

# Written to /etc/asterisk/ in this order.
FILES = ("asterisk.conf", "modules.conf", "logger.conf", "manager.conf", "extensions.conf")

# Every context answers Local/<anything>@<context>: these patterns all jump to
# the context's body, which lives in lab-<context>.
PATTERNS = ["s", "_X", "_X.", "_+X.", "_[a-zA-Z*#].", "_[a-zA-Z*#]"]

CONTEXTS = ["answer", "busy", "noanswer", "hold", "quiet", "presser", "silent", "fumbler", "wrongkey"]
# pycall's seed example dials Local/<number>@from-internal (FreePBX's context name):
# on the lab it behaves as answer.
ALIASES = {"from-internal": "answer"}

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


def entry_contexts():
    """The [<context>] sections, blank-line separated, without a final newline."""
    lines = []
    for ctx in CONTEXTS + sorted(ALIASES):
        body = ALIASES.get(ctx, ctx)
        lines += ["", "[%s]" % ctx]
        for pat in PATTERNS:
            lines += ["exten => %s,1,Set(LAB_EXTEN=${EXTEN})" % pat,
                      " same => n,Set(LAB_CTX=%s)" % ctx,
                      " same => n,Goto(lab-%s,s,1)" % body]
        if ctx != "quiet":
            # runs on each failed attempt of a call file with Context: <ctx>
            lines += ["exten => failed,1,Set(LAB_EXTEN=failed)",
                      " same => n,Set(LAB_CTX=%s)" % ctx,
                      " same => n,Gosub(lab-log,s,1(failed))",
                      " same => n,Hangup()"]
    return "\n".join(lines[1:])


def render(name, text, values):
    """`text` with every @NAME@ replaced; an unknown placeholder is an error, not a guess."""
    def fill(match):
        if match.group(1) not in values:
            die("tests/lab/asterisk/%s: unknown placeholder %s (known: %s)"
                % (name, match.group(0), ", ".join(sorted(values))))
        return values[match.group(1)]
    return PLACEHOLDER.sub(fill, text)


def config_files():
    """[(file name in /etc/asterisk, content)] for one host."""
    values = {"LAB_CALLS_LOG": CALLS_LOG, "LAB_ENTRY_CONTEXTS": entry_contexts()}
    return [(name, render(name, lab_file("asterisk", name), values)) for name in FILES]
