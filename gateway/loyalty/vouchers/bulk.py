"""Goodwill vouchers for many cards of a program at once (one transaction per card)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm import Session

from gateway.errors import ApiError, not_found
from gateway.loyalty.cards.service import get_card
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.rewards import REWARD, STORED, VoucherReward
from gateway.loyalty.vouchers.schemas import GoodwillVoucher
from gateway.loyalty.vouchers.service import issue_goodwill


@dataclass(frozen=True)
class Issued:
    """What happened for one line of the card list."""

    line: int
    card_number: str
    voucher_id: str | None = None
    error: str | None = None


def program_voucher(session: Session, program_id: str) -> tuple[Program, VoucherReward | None]:
    """The program and its final reward when that is a voucher (the default to hand out)."""
    program = session.get(Program, program_id)
    if program is None:
        raise not_found("program")
    reward = REWARD.validate_python(program.reward, context=STORED)
    return program, reward if isinstance(reward, VoucherReward) else None


def issue_to_cards(
    session: Session,
    program: Program,
    reward: VoucherReward,
    numbers: Iterable[tuple[int, str]],
    reason: str,
) -> Iterator[Issued]:
    """Issue ``reward`` to each (line, card number) of the program; one result per card.

    A card that fails (unknown, of another program, an empty code pool) is reported and the
    others go on: each card's voucher is its own unit of work.
    """
    for line, number in numbers:
        try:
            card = get_card(session, program.merchant_id, number)
            if card.program_id != program.id:
                raise ApiError(422, "other_program", "The card belongs to another program.")
            body = GoodwillVoucher(reward=reward, card_number=number, reason=reason)
            voucher = issue_goodwill(session, program.merchant_id, body)
        except ApiError as exc:
            session.rollback()
            yield Issued(
                line, number, error="unknown_card" if exc.code == "not_found" else exc.code
            )
            continue
        except ValidationError:
            yield Issued(line, number, error="invalid_card_number")
            continue
        yield Issued(line, number, voucher_id=voucher.id)
