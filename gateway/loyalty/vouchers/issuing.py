"""Giving rewards: Awards are announced, Vouchers issued with their code, Lottery spins created."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.customer_links import new_customer_token
from gateway.db import utcnow
from gateway.errors import DomainError
from gateway.ids import new_id
from gateway.loyalty.cards.models import Card
from gateway.loyalty.codes.pools import take_code
from gateway.loyalty.codes.text import code_key, generate_code
from gateway.loyalty.lottery.models import Spin
from gateway.loyalty.programs.rewards import (
    REWARD,
    STORED,
    Award,
    Lottery,
    PoolCode,
    SharedCode,
    UniqueCode,
    VoucherReward,
)
from gateway.loyalty.vouchers.lifecycle import summary
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.states import VoucherStatus
from gateway.loyalty.vouchers.validity import valid_until
from webhooks.outbox import record_event

UNIQUE_CODE_ATTEMPTS = 8
PER_VOUCHER_MODES = ("unique", "pool")


@dataclass(frozen=True)
class Source:
    """Why a reward is given: a goal or milestone of a cycle, a lottery, or by hand."""

    kind: str
    cycle: int | None = None
    sale_id: str | None = None
    milestone: int | None = None


@dataclass(frozen=True)
class Granted:
    """One reward given; exactly one of ``award``, ``voucher``, ``spin`` is set."""

    milestone: bool
    award: dict[str, Any] | None = None
    voucher: Voucher | None = None
    spin: Spin | None = None

    @property
    def type(self) -> str:
        """``award``, ``voucher`` or ``spin``."""
        return "award" if self.award else "voucher" if self.voucher else "spin"


def grant(
    session: Session, card: Card, stored_reward: dict[str, Any], source: Source, timezone: str
) -> Granted:
    """Give a program's reward to a card, writing its rows and events."""
    reward = REWARD.validate_python(stored_reward, context=STORED)
    milestone = source.kind == "milestone"
    if isinstance(reward, Award):
        award = reward.model_dump(mode="json")
        data = {
            "card_number": card.number,
            "award": award,
            "milestone": milestone,
            "cycle": source.cycle,
            "sale_id": source.sale_id,
        }
        record_event(session, card.merchant_id, "reward.awarded", data, card_id=card.id)
        return Granted(milestone=milestone, award=award)
    if isinstance(reward, VoucherReward):
        voucher = issue_voucher(session, card.merchant_id, reward, card, source, timezone)
        return Granted(milestone=milestone, voucher=voucher)
    return Granted(milestone=milestone, spin=create_spin(session, card, reward, source))


def create_spin(session: Session, card: Card, lottery: Lottery, source: Source) -> Spin:
    """A pending spin of ``lottery`` for the card."""
    spin = Spin(
        id=new_id("spn"),
        merchant_id=card.merchant_id,
        program_id=card.program_id,
        card_id=card.id,
        status="pending",
        lottery=lottery.model_dump(mode="json"),
        source_kind=source.kind,
        source_sale_id=source.sale_id,
        source_cycle=source.cycle,
        source_milestone=source.milestone,
        created_at=utcnow(),  # the answer shows it before the row is flushed
    )
    session.add(spin)
    data = {
        "spin_id": spin.id,
        "card_number": card.number,
        "lottery": lottery.name,
        "sale_id": source.sale_id,
    }
    record_event(session, card.merchant_id, "lottery.spin_created", data, card_id=card.id)
    return spin


def issue_voucher(
    session: Session,
    merchant_id: str,
    reward: VoucherReward,
    card: Card | None,
    source: Source,
    timezone: str,
    reason: str | None = None,
) -> Voucher:
    """Issue a voucher: ``active`` when it has a card, ``issued`` (to be assigned) without."""
    now = utcnow()
    voucher = Voucher(
        id=new_id("vch"),
        customer_token=new_customer_token(),
        merchant_id=merchant_id,
        program_id=card.program_id if card else None,
        card_id=card.id if card else None,
        status=VoucherStatus.ACTIVE if card else VoucherStatus.ISSUED,
        description=reward.description,
        image_url=reward.image_url,
        redemption=reward.redemption,
        reward=reward.model_dump(mode="json"),
        valid_until=valid_until(now, reward.validity, timezone),
        issued_at=now,
        activated_at=now if card else None,
        source_kind=source.kind,
        source_sale_id=source.sale_id,
        source_cycle=source.cycle,
        source_milestone=source.milestone,
        reason=reason,
    )
    waits_for_code = _attach_code(session, voucher, reward, source)
    session.add(voucher)
    data = summary(session, voucher)
    record_event(session, merchant_id, "voucher.issued", data, card_id=voucher.card_id)
    if card is not None:
        record_event(session, merchant_id, "voucher.activated", data, card_id=voucher.card_id)
    if waits_for_code:
        data = summary(session, voucher, pool_id=voucher.code_pool_id)
        record_event(session, merchant_id, "voucher.code_pool_empty", data, card_id=voucher.card_id)
    return voucher


def _attach_code(session: Session, voucher: Voucher, reward: VoucherReward, source: Source) -> bool:
    """Give the voucher its code; True when its pool was empty and it waits for one."""
    code = reward.code
    if code is None:
        return False
    if isinstance(code, PoolCode):
        voucher.code_mode, voucher.code_pool_id = code.mode, code.pool_id
        text = take_code(session, code.pool_id, voucher.id)
        if text is None:
            if source.kind == "manual":  # asked for by hand: say so rather than issue codeless
                raise DomainError(
                    "code_pool_empty", "The voucher's code pool has no codes left to issue."
                )
            # Earned by a sale or a spin: the reward must not be lost; it gets a code when the
            # pool is refilled (until then staff can still redeem it by id).
            return True
    else:
        text = (
            code.value
            if isinstance(code, SharedCode)
            else _draw_unique_code(session, voucher, code)
        )
    voucher.code, voucher.code_mode, voucher.code_key = text, code.mode, code_key(text)
    return False


def _draw_unique_code(session: Session, voucher: Voucher, code: UniqueCode) -> str:
    for _attempt in range(UNIQUE_CODE_ATTEMPTS):
        text = generate_code(code.pattern)
        taken = select(Voucher.id).where(
            Voucher.merchant_id == voucher.merchant_id,
            Voucher.code_key == code_key(text),
            Voucher.code_mode.in_(PER_VOUCHER_MODES),
        )
        # A concurrent draw of the same code fails the commit on the unique index; the unit
        # of work then runs again (commit_unit_of_work) and draws anew.
        if session.scalar(taken.limit(1)) is None:
            return text
    raise DomainError(
        "code_space_exhausted",
        f"No free code could be drawn from {code.pattern!r}; use a longer pattern.",
    )
