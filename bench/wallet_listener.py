"""What following every recorded event for Apple passes costs: ``follow_event`` per event for
a merchant without Apple Wallet credentials (the common case, on the sales hot path), and for
one with credentials whose card's pass no phone keeps yet.

``python -m bench.wallet_listener``; ``BENCH_EVENTS`` (default 20000). SQLite in a temporary
folder; the figures are per call, in microseconds.
"""

from __future__ import annotations

import os
import tempfile
import time

from sqlalchemy.orm import Session

from gateway import migrate
from gateway.db import build_engine, build_session_factory, utcnow
from gateway.ids import new_id
from gateway.tenancy.models import Merchant
from gateway.wallet.apple.models import AppleWalletCredentials
from gateway.wallet.apple.updates import follow_event
from webhooks.models import Event

EVENTS = int(os.environ.get("BENCH_EVENTS", "20000"))


def _merchant(session: Session, with_wallet: bool) -> str:
    merchant = Merchant(id=new_id("mer"), name="Bench", currency="EUR", timezone="UTC")
    session.add(merchant)
    if with_wallet:
        session.add(
            AppleWalletCredentials(
                id=new_id("awc"),
                merchant_id=merchant.id,
                pass_type_id="pass.bench",
                team_id="A1B2C3D4E5",
                certificate_pem="-",
                wwdr_pem="-",
                sealed_key="-",
                subject="CN=bench",
                not_after=utcnow(),
            )
        )
    return merchant.id


def per_event_microseconds(url: str, with_wallet: bool) -> float:
    """Mean cost of one ``follow_event`` call for a card.stamped event."""
    sessions = build_session_factory(build_engine(url), "http://bench.example")
    with sessions() as session:
        merchant_id = _merchant(session, with_wallet)
        session.commit()
        event = Event(
            id="evt_bench", merchant_id=merchant_id, type="card.stamped", card_id="crd_x", data={}
        )
        follow_event(session, event)  # the credentials table is read once, then cached
        started = time.perf_counter()
        for _ in range(EVENTS):
            follow_event(session, event)
        elapsed = time.perf_counter() - started
        session.rollback()
    return elapsed / EVENTS * 1_000_000


def main() -> None:
    """Print the per-event cost with and without Apple Wallet credentials."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        print(f"without Apple Wallet: {per_event_microseconds(url, False):.2f} us per event")
        with_wallet = per_event_microseconds(url, True)
        print(f"with Apple Wallet, pass not handed out: {with_wallet:.1f} us per event")


if __name__ == "__main__":
    main()
