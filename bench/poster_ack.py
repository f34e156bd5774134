"""How fast a Poster webhook is acknowledged: verify, store in the inbox, answer 200.

Starts the gateway under gunicorn on a scratch PostgreSQL database with one Poster
connection and drives ``POST /hooks/poster`` with correctly signed hooks, each a new
change (so each is stored), at BENCH_CONCURRENCY for BENCH_SECONDS. Processing is switched
off (``STAMPGATE_EMBEDDED_DISPATCHER=false``, no Redis) so the numbers are the
acknowledgement path alone. ``GET /healthz`` under the same server is the baseline.
"""

from __future__ import annotations

import hashlib
import json
import os

import requests

from bench.harness import CONCURRENCY, SECONDS, drive, gateway_with_merchant

SECRET = "bench-application-secret"
ACCOUNT = "benchcafe"
PROGRAM = {
    "name": "Coffee card",
    "stamps_goal": 9,
    "reward": {"type": "award", "description": "Free coffee"},
    "rules": [{"kind": "per_sale", "stamps": 1}],
}


def signed_hook(worker: int, sequence: int) -> bytes:
    """A ``transaction`` hook signed as Poster signs it; every call is a new change."""
    body = {
        "account": ACCOUNT,
        "object": "transaction",
        "object_id": worker * 1_000_000 + sequence,
        "action": "changed",
        "time": "1795341600",
    }
    text = ";".join(
        [ACCOUNT, "transaction", str(body["object_id"]), "changed", "1795341600", SECRET]
    )
    body["verify"] = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
    return json.dumps(body).encode()


def connect(port: int, key: str) -> None:
    """A program and the Poster connection the hooks belong to."""
    headers = {"Authorization": f"Bearer {key}"}
    base = f"http://127.0.0.1:{port}/v1"
    program = requests.post(f"{base}/programs", json=PROGRAM, headers=headers, timeout=10)
    program.raise_for_status()
    connection = {
        "pos": "poster",
        "program_id": program.json()["id"],
        "account": ACCOUNT,
        "application_secret": SECRET,
        "access_token": "unused",
    }
    requests.post(
        f"{base}/connections", json=connection, headers=headers, timeout=10
    ).raise_for_status()


def main() -> None:
    """Measure hook acknowledgements and the health-check baseline; print both and the ratio."""
    print(f"concurrency={CONCURRENCY} seconds={SECONDS:g} cpus={os.cpu_count()}", flush=True)
    quiet = {"STAMPGATE_EMBEDDED_DISPATCHER": "false"}
    with gateway_with_merchant(quiet) as (port, key):
        connect(port, key)
        json_headers = {"Content-Type": "application/json"}
        hooks = drive(
            "POST /hooks/poster (ack)",
            port,
            lambda w, s: ("POST", "/hooks/poster", signed_hook(w, s), json_headers),
            frozenset({200}),
        )
        print(hooks.line(), flush=True)
        health = drive(
            "GET /healthz (baseline)",
            port,
            lambda w, s: ("GET", "/healthz", None, {}),
            frozenset({200}),
        )
        print(health.line(), flush=True)
    print(f"ratio ack : healthz throughput = {hooks.rate / health.rate:.3f}")
    if hooks.errors:
        raise SystemExit(f"{hooks.errors} hooks were not acknowledged")


if __name__ == "__main__":
    main()
