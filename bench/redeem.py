"""Redeem code latency under load: ``POST /v1/codes/check`` and ``POST /v1/codes/redeem``.

Starts gunicorn (the gateway's settings) against a scratch PostgreSQL database, issues
BENCH_REDEEM_CODES (15000) vouchers with unique codes through the issuing service, then
drives each route at BENCH_CONCURRENCY (16) for BENCH_SECONDS (20), the routes and an
authenticated ``GET /v1/merchant`` on the same server (the baseline) taking turns, and
prints p50/p99 and the ratios.
Every redeem takes a code nobody redeemed yet, so each one is a full redemption (conditional
UPDATE, redemption row, ``voucher.redeemed`` event) rather than a cheap refusal.
"""

from __future__ import annotations

import json
import os
import sys
import uuid

import requests

from bench.harness import (
    CONCURRENCY,
    ROUNDS,
    SECONDS,
    WEB_TIER,
    Load,
    Request,
    RequestFactory,
    drive_alternately,
    gunicorn,
    provision_merchant,
    scratch_database,
)
from gateway import migrate
from gateway.db import build_engine, build_session_factory
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.programs.rewards import VoucherReward
from gateway.loyalty.vouchers.issuing import Source, issue_voucher

CODES = int(os.environ.get("BENCH_REDEEM_CODES", "15000"))
COMMIT_EVERY = 500
CHECKED_PER_CLIENT = 50
PROGRAM = {
    "name": "Pizza card",
    "stamps_goal": 9,
    "reward": {"type": "award", "description": "Slice"},
    "rules": [{"kind": "per_sale", "stamps": 1}],
}
REWARD = VoucherReward.model_validate(
    {
        "type": "voucher",
        "description": "Free pizza",
        "redemption": "code",
        "code": {"mode": "unique", "pattern": "PZ-####-####", "expected_volume": CODES},
    }
)


def issue_codes(port: int, headers: dict[str, str], database_url: str) -> list[str]:
    """A card with CODES active vouchers, issued in-process; returns their codes."""
    base = f"http://127.0.0.1:{port}/v1"
    merchant = requests.get(f"{base}/merchant", headers=headers, timeout=10).json()
    program = requests.post(f"{base}/programs", json=PROGRAM, headers=headers, timeout=10).json()
    card = requests.post(
        f"{base}/cards", json={"program_id": program["id"]}, headers=headers, timeout=10
    ).json()
    engine = build_engine(database_url)
    codes: list[str] = []
    try:
        with build_session_factory(engine)() as session:
            holder = get_card(session, merchant["id"], card["number"])
            for n in range(CODES):
                voucher = issue_voucher(
                    session, merchant["id"], REWARD, holder, Source(kind="manual"), "UTC"
                )
                codes.append(voucher.code or "")
                if n % COMMIT_EVERY == COMMIT_EVERY - 1:
                    session.commit()
            session.commit()
    finally:
        engine.dispose()
    return codes


def _scenario(
    codes: list[str], headers: dict[str, str], path: str, *, again: bool = False
) -> RequestFactory:
    per_worker = len(codes) // CONCURRENCY

    def request(worker: int, sequence: int) -> Request:
        # Each client walks its own slice, so no two requests present the same code; a check
        # (``again``) consumes nothing and starts its slice over at the end.
        step = sequence % per_worker if again else sequence
        index = worker * per_worker + step
        code = codes[index] if step < per_worker else codes[-1]  # ran out: a 409
        payload = {"code": code, "pos_transaction_id": f"T-{worker}-{sequence}"}
        return "POST", path, json.dumps(payload).encode(), headers

    return request


def main() -> None:
    """Issue the codes, then measure check (codes stay unredeemed) and redeem."""
    print(f"concurrency={CONCURRENCY} seconds={SECONDS:g} in {ROUNDS} turns codes={CODES}")
    admin_token = uuid.uuid4().hex
    with scratch_database("stampgate_bench") as (url, _name):
        migrate.upgrade(url)
        env = {"STAMPGATE_DATABASE_URL": url, "STAMPGATE_ADMIN_TOKEN": admin_token, **WEB_TIER}
        # One key drives every request: limits stay on (their cost is measured), out of reach.
        env["STAMPGATE_LIMIT_CODE_ATTEMPTS_PER_KEY"] = "100000000/minute"
        env["STAMPGATE_LIMIT_CODE_ATTEMPTS_PER_LOCATION"] = "100000000/minute"
        with gunicorn("gateway:create_app()", env) as port:
            key = provision_merchant(port, admin_token)
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            codes = issue_codes(port, headers, url)
            # Checks and redemptions take turns on codes of their own: a check never sees a
            # code a redemption used (that would be a rejected attempt, not a check). Checks
            # consume nothing, so a few codes per client do; redemptions get the rest.
            checked = CONCURRENCY * CHECKED_PER_CLIENT
            json_ok = frozenset({200})
            check, redeem, read = drive_alternately(
                Load(
                    "POST /v1/codes/check",
                    port,
                    _scenario(codes[:checked], headers, "/v1/codes/check", again=True),
                    json_ok,
                ),
                Load(
                    "POST /v1/codes/redeem",
                    port,
                    _scenario(codes[checked:], headers, "/v1/codes/redeem"),
                    json_ok,
                ),
                # Baseline: an authenticated read on the same server (auth, one query, JSON).
                Load(
                    "GET /v1/merchant (baseline)",
                    port,
                    lambda w, s: ("GET", "/v1/merchant", None, headers),
                    json_ok,
                ),
            )
    for result in (check, redeem, read):
        print(result.line(), flush=True)
    print(f"ratio check : authenticated read = {check.rate / read.rate:.3f}  (target >= 0.8)")
    print(f"ratio redeem : authenticated read = {redeem.rate / read.rate:.3f}")
    print(f"redeem p99 {redeem.percentile_ms(99):.1f} ms  (target <= 50 ms at concurrency 16)")
    if redeem.errors:
        sys.exit(f"{redeem.errors} redemptions failed (raise BENCH_REDEEM_CODES if codes ran out)")


if __name__ == "__main__":
    main()
