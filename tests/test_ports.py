"""deploy.serve.free_port (the workers' ports, and every test server's): from below the kernel's ephemeral
range (where no outgoing connection can take one between the choice and the server's bind), free, never twice."""

from __future__ import annotations

import socket
from pathlib import Path

from deploy.serve import free_port


def test_ports_are_free_below_the_ephemeral_range_and_never_given_twice():
    start = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == 50
    assert all(1024 < port < start for port in ports), [port for port in ports if port >= start]
    for port in ports[:5]:  # nobody listens there: a server can bind it
        with socket.socket() as server:
            server.bind(("127.0.0.1", port))
            server.listen()
