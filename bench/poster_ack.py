"""How fast a Poster webhook is acknowledged: verify, store in the inbox, answer 200.

Starts the gateway under gunicorn on a scratch PostgreSQL database with one Poster
connection and drives ``POST /hooks/poster`` with correctly signed hooks, each a new
change (so each is stored), at BENCH_CONCURRENCY for BENCH_SECONDS, taking turns with
``GET /healthz`` under the same server, the baseline. Processing is switched
off (``bench.harness.WEB_TIER``, no Redis) so the numbers are the
acknowledgement path alone. At the end every acknowledged hook must be in the inbox: an
acknowledgement is a promise.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import requests
from sqlalchemy.engine import make_url

from bench.harness import (
    CONCURRENCY,
    ROUNDS,
    SECONDS,
    WEB_TIER,
    Load,
    drive_alternately,
    gunicorn,
    provision_merchant,
    scratch_database,
)
from gateway import migrate

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


@contextmanager
def poster_home() -> Iterator[str]:
    """Poster's own host for the gateway: confirms the connection's token owns ACCOUNT."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"response": {"COMPANY_ID": ACCOUNT}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            del args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()


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


def stored_hooks(url: str) -> int:
    """How many hooks the inbox holds."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn) as connection:
        row = connection.execute("SELECT count(*) FROM inbound_events").fetchone()
    assert row is not None
    count: int = row[0]
    return count


@contextmanager
def gateway(home: str) -> Iterator[tuple[int, str, str]]:
    """The gateway on a fresh database: yields (port, merchant API key, database URL)."""
    admin_token = uuid.uuid4().hex
    with scratch_database("stampgate_bench") as (url, _name):
        migrate.upgrade(url)
        env = {
            "STAMPGATE_DATABASE_URL": url,
            "STAMPGATE_ADMIN_TOKEN": admin_token,
            **WEB_TIER,
            "STAMPGATE_POSTER_API_URL": home,
            "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        }
        with gunicorn("gateway:create_app()", env) as port:
            yield port, provision_merchant(port, admin_token), url


def main() -> None:
    """Measure hook acknowledgements and the health-check baseline; print both and the ratio,
    then check that every acknowledged hook was stored."""
    print(f"concurrency={CONCURRENCY} seconds={SECONDS:g} in {ROUNDS} turns cpus={os.cpu_count()}")
    with poster_home() as home, gateway(home) as (port, key, url):
        connect(port, key)
        json_headers = {"Content-Type": "application/json"}
        ok = frozenset({200})
        hooks, health = drive_alternately(
            Load(
                "POST /hooks/poster (ack)",
                port,
                lambda w, s: ("POST", "/hooks/poster", signed_hook(w, s), json_headers),
                ok,
            ),
            Load("GET /healthz (baseline)", port, lambda w, s: ("GET", "/healthz", None, {}), ok),
        )
        print(hooks.line(), flush=True)
        print(health.line(), flush=True)
        stored = stored_hooks(url)
    print(f"ratio ack : healthz throughput = {hooks.rate / health.rate:.3f}")
    print(f"hook ack p99 {hooks.percentile_ms(99):.1f} ms  (target <= 20 ms at concurrency 16)")
    acknowledged = hooks.requests + hooks.warm_up_requests
    print(
        f"stored {stored} hooks of {acknowledged} acknowledged"
        f" ({hooks.errors} refused, {hooks.dropped} dropped before an answer)"
    )
    if stored < acknowledged:
        raise SystemExit(f"{acknowledged - stored} acknowledged hooks were lost")
    if hooks.errors:
        raise SystemExit(f"{hooks.errors} hooks were refused")


if __name__ == "__main__":
    main()
