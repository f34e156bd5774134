"""What became of a pass's pushes, for the console's card page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.wallet.apple.models import ApplePush, AppleRegistration

SHOWN_PUSHES = 10


@dataclass(frozen=True)
class PassOutcomes:
    """Devices that keep the pass, and its latest pushes, newest first."""

    devices: int
    pushes: list[ApplePush]


def pass_outcomes(session: Session, merchant_id: str, serial: str) -> PassOutcomes:
    """The Apple pass of a card or voucher of the merchant: devices and latest pushes."""
    devices = session.scalar(
        select(func.count()).where(
            AppleRegistration.merchant_id == merchant_id, AppleRegistration.serial == serial
        )
    )
    pushes = session.scalars(
        select(ApplePush)
        .where(ApplePush.merchant_id == merchant_id, ApplePush.serial == serial)
        .order_by(ApplePush.id.desc())
        .limit(SHOWN_PUSHES)
    ).all()
    return PassOutcomes(int(devices or 0), list(pushes))
