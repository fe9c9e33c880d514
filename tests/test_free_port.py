"""The ports the test servers are started on (scripts/servers.py `free_port`)."""
from __future__ import annotations

import socket

from scripts.servers import _ephemeral_range, free_port


def test_ports_are_free_distinct_and_below_the_ephemeral_range():
    # below the range, an outgoing connection cannot take the port before the server binds it
    low, _ = _ephemeral_range()
    ports = [free_port() for _ in range(30)]
    assert len(set(ports)) == len(ports) and all(1024 < port < low for port in ports)
    with socket.socket() as s:
        s.bind(("127.0.0.1", ports[-1]))  # still free to bind
