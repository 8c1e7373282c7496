"""Free local ports for the test servers, chosen below the kernel's ephemeral port range.

A port the kernel gives for bind(0) comes from the ephemeral range, the range it also takes the source port
of every outgoing connection from: between free_port() returning and a server binding the port, a browser's
or a client's connection could take it (Streamlit: "Port … is not available", seen in a helper's run). Ports
below that range are never given to outgoing connections. Each is probed by binding it, chosen at random from
the operating system's randomness (a test plugin seeding `random` cannot make two workers pick alike), and
one process never gives the same port twice.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 10_000
_CHOOSER = random.SystemRandom()
_given: set[int] = set()


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    """A local TCP port nobody listens on, below the ephemeral range (or from bind(0) if there is no room)."""
    start = _ephemeral_start()
    for _ in range(200 if start > LOWEST + 1_000 else 0):
        port = _CHOOSER.randrange(LOWEST, start)
        if port in _given:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given.add(port)
        return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
