"""Google Wallet after a stamp: how many REST calls a stamp costs and how long from the
stamp's commit (its API answer) to the PATCH arriving at a fake Google Wallet, with the
embedded worker thread on PostgreSQL."""

from __future__ import annotations

import functools
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable

from bench.harness import scratch_database
from gateway import create_app, migrate
from gateway.config import Settings
from tests.support.fake_google_wallet import FakeGoogleWallet, running_google_wallet
from tests.support.google_wallet import wallet_world

STAMPS = int(os.environ.get("BENCH_GOOGLE_STAMPS", "50"))


def main() -> None:
    """Stamp one card ``STAMPS`` times; print calls per stamp and commit-to-call latency."""
    with scratch_database("bench_google") as (url, _name), running_google_wallet() as google:
        migrate.upgrade(url)
        settings = Settings(
            database_url=url,
            admin_token="bench-admin",
            embedded_dispatcher=True,
            webhook_allowed_networks=("127.0.0.0/8",),
            google_wallet_api_url=google.api_url,
        )
        app = create_app(settings)
        try:
            world = wallet_world(app, google)
            card = world.card()
            _wait(lambda: len(google.rest_calls()) >= 2)
            latencies = []
            for expected in range(1, STAMPS + 1):
                world.stamp(card["number"])
                committed = time.monotonic()
                _wait(functools.partial(_patched, google, expected))
                patch = google.rest_calls("PATCH", "loyaltyObject")[expected - 1]
                latencies.append(patch.at - committed)
            calls = Counter(f"{c.method} {c.path.split('/')[3]}" for c in google.rest_calls()[2:])
        finally:
            app.extensions["stampgate"].close()
    load = os.getloadavg()[0]
    total = sum(calls.values())
    print(f"google wallet: {total / STAMPS:.2f} REST calls per stamp over {STAMPS} stamps")
    print("  " + ", ".join(f"{name}: {count}" for name, count in sorted(calls.items())))
    print(
        "commit -> PATCH: median "
        f"{statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms "
        f"(load average {load:.1f})"
    )


def _patched(google: FakeGoogleWallet, count: int) -> bool:
    return len(google.rest_calls("PATCH", "loyaltyObject")) >= count


def _wait(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("Google Wallet was not called in time")
        time.sleep(0.001)


if __name__ == "__main__":
    main()
