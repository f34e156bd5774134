"""Vouchers, and the rewards a stamp gives, in the shapes the API answers with."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.customer_links import voucher_url
from gateway.db import utcnow
from gateway.loyalty.lottery.presenters import spin_out
from gateway.loyalty.vouchers.granted import GRANTED
from gateway.loyalty.vouchers.holds import is_live
from gateway.loyalty.vouchers.issuing import Granted
from gateway.loyalty.vouchers.lifecycle import card_number_of
from gateway.loyalty.vouchers.models import Voucher
from gateway.timestamps import iso_utc_or_none
from gateway.wallet.apple.directory import apple_pass_url
from gateway.wallet.google.links import voucher_save_url


def voucher_out(session: Session, voucher: Voucher, card_number: str | None) -> dict[str, Any]:
    """A voucher in the contract's shape."""
    page = voucher_url(session, voucher.customer_token)
    return {
        "id": voucher.id,
        "status": voucher.status,
        "program_id": voucher.program_id,
        "card_number": card_number,
        "description": voucher.description,
        "image_url": voucher.image_url,
        "redemption": voucher.redemption,
        "code": voucher.code,
        "code_mode": voucher.code_mode,
        "valid_until": iso_utc_or_none(voucher.valid_until),
        "issued_at": iso_utc_or_none(voucher.issued_at),
        "activated_at": iso_utc_or_none(voucher.activated_at),
        "redeemed_at": iso_utc_or_none(voucher.redeemed_at),
        "expired_at": iso_utc_or_none(voucher.expired_at),
        "voided_at": iso_utc_or_none(voucher.voided_at),
        "held_until": iso_utc_or_none(voucher.held_until if is_live(voucher, utcnow()) else None),
        "redemption_id": voucher.redemption_id,
        "source": {"kind": voucher.source_kind, "sale_id": voucher.source_sale_id},
        "customer_url": page,
        "apple_pass_url": apple_pass_url(session, voucher.merchant_id, page),
        "google_save_url": voucher_save_url(session, voucher),
    }


def voucher_view(session: Session, voucher: Voucher) -> dict[str, Any]:
    """A voucher in the contract's shape, with its card's number looked up."""
    return voucher_out(session, voucher, card_number_of(session, voucher))


def granted_out(session: Session, granted: Granted, card_number: str) -> dict[str, Any]:
    """One reward given, as ``{"type", "milestone", "award"|"voucher"|"spin"}``."""
    given: dict[str, Any] | None = granted.award
    if granted.voucher is not None:
        given = voucher_out(session, granted.voucher, card_number)
    elif granted.spin is not None:
        given = spin_out(granted.spin, card_number)
    out = GRANTED.validate_python(
        {"type": granted.type, "milestone": granted.milestone, granted.type: given}
    )
    body: dict[str, Any] = GRANTED.dump_python(out, mode="json")
    return body
