"""Exactly once over real HTTP: 50 parallel redeems and holds of one voucher, several gunicorn
workers, one PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from gateway import migrate
from gateway.db import build_engine, build_session_factory
from gateway.models import Event, VoucherRedemption
from tests.e2e.conftest import Server
from tests.support.programs import nine_stamp_card
from tests.support.services import fresh_postgres_database

pytestmark = [pytest.mark.e2e, pytest.mark.postgres_only]
ADMIN = "e2e-admin-token"
ATTEMPTS = 50
StartServer = Callable[..., Server]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this module's servers."""
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        yield url


def _call(server: Server, key: str, path: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(
        f"{server.base_url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def _voucher(server: Server) -> tuple[str, dict[str, Any]]:
    created = requests.post(
        f"{server.base_url}/admin/v1/merchants",
        json={"name": "Race Cafe", "currency": "EUR", "timezone": "Europe/Kyiv"},
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=10,
    )
    key: str = created.json()["api_key"]
    program = _call(server, key, "/v1/programs", nine_stamp_card()).json()
    card = _call(server, key, "/v1/cards", {"program_id": program["id"]}).json()
    reward = {
        "type": "voucher",
        "description": "Free pizza",
        "redemption": "code",
        "code": {"mode": "unique", "pattern": "RC-####-####"},
    }
    voucher = _call(server, key, "/v1/vouchers", {"reward": reward, "card_number": card["number"]})
    return key, voucher.json()


def _race(
    server: Server, key: str, requests_for: Callable[[int], tuple[str, dict[str, Any]]]
) -> list[tuple[int, str | None]]:
    start = threading.Barrier(ATTEMPTS)

    def attempt(n: int) -> tuple[int, str | None]:
        path, body = requests_for(n)
        start.wait()  # release all requests at once
        response = _call(server, key, path, body)
        return response.status_code, response.json().get(
            "code"
        ) if response.status_code >= 400 else None

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def _count(url: str, statement: Any) -> int:
    engine = build_engine(url)
    try:
        with build_session_factory(engine)() as session:
            return session.scalar(statement) or 0
    finally:
        engine.dispose()


def test_fifty_parallel_redeems_have_one_winner(
    start_server: StartServer, postgres_url: str
) -> None:
    server = start_server(
        {"STAMPGATE_DATABASE_URL": postgres_url, "STAMPGATE_ADMIN_TOKEN": ADMIN}, workers=4
    )
    key, voucher = _voucher(server)

    def redeem(n: int) -> tuple[str, dict[str, Any]]:
        return "/v1/codes/redeem", {"code": voucher["code"], "pos_transaction_id": f"T-{n}"}

    results = _race(server, key, redeem)
    outcomes = Counter(status for status, _ in results)
    print(f"redeem race: {ATTEMPTS} attempts, {outcomes[200]} winner(s), {dict(outcomes)}")
    assert outcomes[200] == 1, results
    assert {code for status, code in results if status != 200} == {"already_redeemed"}
    redemptions = select(func.count()).select_from(VoucherRedemption)
    redeemed_events = (
        select(func.count()).select_from(Event).where(Event.type == "voucher.redeemed")
    )
    assert (
        _count(postgres_url, redemptions.where(VoucherRedemption.voucher_id == voucher["id"])) == 1
    )
    assert _count(postgres_url, redeemed_events) == 1


def test_fifty_parallel_holds_and_redeems_have_one_winner(
    start_server: StartServer, postgres_url: str
) -> None:
    server = start_server(
        {"STAMPGATE_DATABASE_URL": postgres_url, "STAMPGATE_ADMIN_TOKEN": ADMIN}, workers=4
    )
    key, voucher = _voucher(server)

    def hold_or_redeem(n: int) -> tuple[str, dict[str, Any]]:
        path = "/v1/codes/hold" if n % 2 else "/v1/codes/redeem"
        return path, {"code": voucher["code"], "pos_transaction_id": f"T-{n}"}

    results = _race(server, key, hold_or_redeem)
    winners = [status for status, _ in results if status in {200, 201}]
    print(f"hold/redeem race: {ATTEMPTS} attempts, {len(winners)} winner(s)")
    assert len(winners) == 1, results
    assert {code for status, code in results if status >= 400} <= {"held", "already_redeemed"}
