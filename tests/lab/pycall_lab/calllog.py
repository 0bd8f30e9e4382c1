"""The call log the dialplan writes (lab-log in tests/lab/asterisk/extensions.conf).

One line per event, key=value pairs; ts ev ctx uid reason are plain, every other value is
base64 of "x" + value (the "x" keeps BASE64_ENCODE from an empty argument).
"""

import base64

PLAIN = ("ts", "ev", "ctx", "uid", "reason")


def parse_call_line(line):
    rec = {}
    for tok in line.split():
        if "=" not in tok:
            continue
        k, v = tok.split("=", 1)
        if k in PLAIN:
            rec[k] = v
        else:
            try:
                raw = base64.b64decode(v, validate=True).decode("utf-8", "surrogateescape")
            except ValueError:
                raw = ""
            rec[k] = raw[1:] if raw.startswith("x") else v     # strip the "x" guard
    return rec
