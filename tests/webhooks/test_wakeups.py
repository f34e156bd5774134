"""Wake-ups through Redis are best effort: one that Redis does not answer is not followed by
more in the same commit (the sweeper wakes what is due), so a frozen Redis costs one timeout."""

from __future__ import annotations

import socket

from gateway.redis_client import connect_redis
from webhooks.jobs import wake_for_new


def connections_made(listener: socket.socket) -> int:
    """How many connections wait in the listener's backlog (the kernel completed them)."""
    listener.setblocking(False)
    made = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return made
        connection.close()
        made += 1


def test_a_commit_whose_first_wake_up_times_out_tries_no_more() -> None:
    # Listening but never accepting nor answering: a frozen Redis.
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:
        client = connect_redis(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", timeout=0.2)
        try:
            wake_for_new(client, ["dlv_1"])
        finally:
            client.close()
        assert connections_made(listener) == 1
