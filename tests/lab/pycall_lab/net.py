"""TCP on loopback: is a port free, does sshd answer, what listens."""

import errno
import socket

from .console import die


def port_free(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((addr, port))
        return True
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            return False
        die("cannot bind %s:%d (%s): choose other addresses with PYCALL_LAB_NET" % (addr, port, e.strerror))
    finally:
        s.close()


def ssh_banner(addr, port, timeout=2.0):
    try:
        with socket.create_connection((addr, port), timeout=timeout) as s:
            s.settimeout(timeout)
            data = s.recv(64)
            return data.decode("ascii", "replace").strip() if data.startswith(b"SSH-") else ""
    except OSError:
        return ""


def listeners():
    """(addr, port) of every listening IPv4 TCP socket."""
    out = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if p[3] != "0A":
                continue
            hexaddr, hexport = p[1].split(":")
            addr = socket.inet_ntoa(bytes.fromhex(hexaddr)[::-1])
            out.append((addr, int(hexport, 16)))
    return out
