"""Files: atomic writes, a lock file, and deleting trees (never across a mount)."""

import fcntl
import os

from .console import die
from .mounts import mounts_under
from .procs import run


def write_file(path, text, mode=0o644, uid=0, gid=0):
    """Write text atomically; return True when the content changed."""
    try:
        with open(path) as f:
            if f.read() == text:
                os.chown(path, uid, gid)
                os.chmod(path, mode)
                return False
    except FileNotFoundError:
        pass
    tmp = path + ".lab-tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chown(tmp, uid, gid)
    os.chmod(tmp, mode)
    os.rename(tmp, path)
    return True


class Lock:
    """An exclusive flock on `path` for a with-block (one `up`/`down` at a time)."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def safe_rmtree(path):
    if not os.path.lexists(path):
        return
    if mounts_under(path):
        die("refusing to delete %s: something is still mounted below it" % path)
    run(["rm", "-rf", "--one-file-system", "--", path])


def clear_dir(path):
    """Delete what `path` contains, keeping `path` itself."""
    if os.path.isdir(path):
        for e in os.listdir(path):
            p = os.path.join(path, e)
            if os.path.isdir(p) and not os.path.islink(p):
                safe_rmtree(p)
            else:
                os.unlink(p)
