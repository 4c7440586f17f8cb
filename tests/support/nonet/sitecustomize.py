"""Network guard for the offline tests (put this folder on PYTHONPATH).

Installs an audit hook (PEP 578) in every Python process that starts with this folder
on ``PYTHONPATH`` -- the report runner and the Jupyter kernels it spawns inherit the
environment -- that refuses any socket connection or name lookup to a host other than
the loopback interface, and appends each attempt to the file named by
``SATCLOUD_NONET_LOG``. A test then proves "nothing tried to connect" by finding that
file empty. Local IPC (Unix sockets, the kernel's loopback ZeroMQ ports) is allowed.
"""

import os
import socket
import sys
import traceback

_LOG = os.environ.get("SATCLOUD_NONET_LOG")
_LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "", None, "ip6-localhost"}


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    return host in _LOCAL or (isinstance(host, str) and host.startswith("127."))


def _record(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"pid {os.getpid()} {what}\n")
            fh.write("".join(traceback.format_stack(limit=12)))
            fh.write("\n")


def _hook(event, args):
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if sock.family == socket.AF_UNIX:
            return
        host = address[0] if isinstance(address, tuple) else address
        if not _is_local(host):
            _record(f"socket.connect to {address!r}")
            raise OSError(f"network disabled by the satcloud offline test: connect {address!r}")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if not _is_local(host):
            _record(f"socket.getaddrinfo for {host!r}")
            raise socket.gaierror(f"network disabled by the satcloud offline test: {host!r}")
    elif event == "socket.gethostbyname":
        if not _is_local(args[0]):
            _record(f"socket.gethostbyname for {args[0]!r}")
            raise socket.gaierror(f"network disabled by the satcloud offline test: {args[0]!r}")


if _LOG is not None:
    sys.addaudithook(_hook)
