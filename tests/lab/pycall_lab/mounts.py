"""The mount table as this process sees it (/proc/self/mountinfo)."""

import re

from .console import die
from .procs import run


def mounts():
    """Mount points (host view) from /proc/self/mountinfo, with fs type and options."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            fields = left.split()
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            rfields = right.split()
            out.append({"point": point, "type": rfields[0],
                        "super": rfields[2] if len(rfields) > 2 else ""})
    return out


def mounts_under(prefix):
    prefix = prefix.rstrip("/")
    return [m for m in mounts() if m["point"] == prefix or m["point"].startswith(prefix + "/")]


def is_mounted(path):
    return any(m["point"] == path for m in mounts())


def umount_all_under(prefix):
    for _attempt in range(3):
        ms = sorted(mounts_under(prefix), key=lambda m: len(m["point"]), reverse=True)
        if not ms:
            return
        for m in ms:
            run(["umount", m["point"]], check=False, quiet=True)
    ms = mounts_under(prefix)
    if ms:
        die("could not unmount: %s (see `findmnt -R %s`)" % (
            ", ".join(m["point"] for m in ms), prefix))
