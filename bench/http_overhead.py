"""What authentication and the database cost per request, against the app's bare route.

Starts the gateway under gunicorn on a scratch PostgreSQL database and drives, one after the
other at the same concurrency: ``GET /healthz`` (the app's middleware only: the baseline) and
``GET /v1/merchant`` (API key lookup plus a read). Prints rates, p50/p99 and the ratio.
"""

from __future__ import annotations

from bench.harness import (
    CONCURRENCY,
    SECONDS,
    drive,
    gunicorn,
    provision_merchant,
    scratch_database,
)
from gateway import migrate

ADMIN = "bench-admin-token"


def main() -> None:
    """Run both scenarios against one server and print the comparison."""
    with scratch_database("stampgate_bench") as (url, _name):
        migrate.upgrade(url)
        env = {
            "STAMPGATE_DATABASE_URL": url,
            "STAMPGATE_ADMIN_TOKEN": ADMIN,
            "STAMPGATE_LOG_LEVEL": "warning",
        }
        with gunicorn("gateway:create_app()", env) as port:
            key = provision_merchant(port, ADMIN)
            print(f"concurrency={CONCURRENCY} seconds={SECONDS:g}")
            ok = frozenset({200})
            bare = drive(
                "GET /healthz (no auth, no DB)",
                port,
                lambda w, s: ("GET", "/healthz", None, {}),
                ok,
            )
            auth = {"Authorization": f"Bearer {key}"}
            authed = drive(
                "GET /v1/merchant", port, lambda w, s: ("GET", "/v1/merchant", None, auth), ok
            )
    print(bare.line())
    print(authed.line())
    print(f"ratio /v1/merchant : /healthz = {authed.rate / bare.rate:.2f}")


if __name__ == "__main__":
    main()
