"""Turning loyalty rows into the contract's JSON shapes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.db import utcnow
from gateway.loyalty.cards.models import Card, Program
from gateway.loyalty.cards.schemas import CardOut, GrantedOut
from gateway.loyalty.cards.service import pos_ids_of
from gateway.loyalty.vouchers.holds import is_live
from gateway.loyalty.vouchers.issuing import Granted
from gateway.loyalty.vouchers.lifecycle import card_number_of
from gateway.loyalty.vouchers.models import Spin, Voucher


def card_out(session: Session, card: Card) -> dict[str, Any]:
    """A card as the API shows it."""
    program = session.get(Program, card.program_id)
    assert program is not None  # a foreign key guarantees it
    customer = {"phone": card.phone, "email": card.email, "pos": pos_ids_of(session, card)}
    out = CardOut(
        id=card.id,
        number=card.number,
        program_id=card.program_id,
        stamps=card.stamps,
        stamps_goal=program.stamps_goal,
        cycle=card.cycle,
        customer=customer,
        created_at=card.created_at,
        updated_at=card.updated_at,
    )
    return out.model_dump(mode="json")


def voucher_out(voucher: Voucher, card_number: str | None) -> dict[str, Any]:
    """A voucher in the contract's shape."""
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
        "valid_until": _time(voucher.valid_until),
        "issued_at": _time(voucher.issued_at),
        "activated_at": _time(voucher.activated_at),
        "redeemed_at": _time(voucher.redeemed_at),
        "expired_at": _time(voucher.expired_at),
        "voided_at": _time(voucher.voided_at),
        "held_until": _time(voucher.held_until if is_live(voucher, utcnow()) else None),
        "redemption_id": voucher.redemption_id,
        "source": {"kind": voucher.source_kind, "sale_id": voucher.source_sale_id},
    }


def voucher_view(session: Session, voucher: Voucher) -> dict[str, Any]:
    """A voucher in the contract's shape, with its card's number looked up."""
    return voucher_out(voucher, card_number_of(session, voucher))


def spin_out(spin: Spin, card_number: str) -> dict[str, Any]:
    """A lottery spin."""
    return {
        "id": spin.id,
        "status": spin.status,
        "card_number": card_number,
        "program_id": spin.program_id,
        "lottery": spin.lottery["name"],
        "outcome": spin.outcome,
        "created_at": _time(spin.created_at),
        "played_at": _time(spin.played_at),
    }


def granted_out(granted: Granted, card_number: str) -> dict[str, Any]:
    """One reward given, as ``{"type", "milestone", "award"|"voucher"|"spin"}``."""
    out = GrantedOut(
        type=granted.type,
        milestone=granted.milestone,
        award=granted.award,
        voucher=voucher_out(granted.voucher, card_number) if granted.voucher else None,
        spin=spin_out(granted.spin, card_number) if granted.spin else None,
    )
    return out.model_dump(mode="json", exclude_none=True)


def _time(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
