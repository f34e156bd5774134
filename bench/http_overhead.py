"""What authentication and the database cost per request, against the app's bare route.

Starts the gateway under gunicorn on a scratch PostgreSQL database and drives, taking turns
at the same concurrency: ``GET /healthz`` (the app's middleware only: the baseline) and
``GET /v1/merchant`` (API key lookup plus a read). Prints rates, p50/p99 and the ratio.
"""

from __future__ import annotations

from bench.harness import (
    CONCURRENCY,
    ROUNDS,
    SECONDS,
    Load,
    Request,
    drive_alternately,
    gateway_with_merchant,
)


def main() -> None:
    """Run both scenarios against one server and print the comparison."""
    with gateway_with_merchant() as (port, key):
        print(f"concurrency={CONCURRENCY} seconds={SECONDS:g} in {ROUNDS} turns each")
        ok = frozenset({200})
        no_auth: Request = ("GET", "/healthz", None, {})
        authed_get: Request = ("GET", "/v1/merchant", None, {"Authorization": f"Bearer {key}"})
        bare, authed = drive_alternately(
            Load("GET /healthz (no auth, no DB)", port, lambda w, s: no_auth, ok),
            Load("GET /v1/merchant", port, lambda w, s: authed_get, ok),
        )
    print(bare.line())
    print(authed.line())
    print(f"ratio /v1/merchant : /healthz = {authed.rate / bare.rate:.2f}")


if __name__ == "__main__":
    main()
