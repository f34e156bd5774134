"""Programs: create, read, list, and change (with a warning once cards exist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.db import commit_unit, utcnow
from gateway.ids import new_id
from gateway.loyalty.cards.models import Card
from gateway.loyalty.codes.pools import require_own_pools
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.rewards import STORED, VoucherReward, voucher_rewards
from gateway.loyalty.programs.schemas import ProgramCreate, ProgramMechanics, ProgramPatch
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page

# Changing these after cards exist changes what those cards' customers earn.
MECHANICS = ("stamps_goal", "reward", "milestones", "rules", "max_stamps_per_sale")


# Parsing a program's JSON is the costliest CPU step of a sale; rows change rarely and every
# change moves updated_at, so (id, updated_at) names one parse.
_PARSED: dict[tuple[str, datetime | None], ProgramMechanics] = {}
_PARSED_LIMIT = 1024


@dataclass(frozen=True)
class ProgramResult:
    """A program row and the warnings to answer with."""

    program: Program
    warnings: list[str]


def mechanics_of(program: Program) -> ProgramMechanics:
    """The validated settings stored on a program row (parsed once per program version)."""
    key = (program.id, program.updated_at)
    cached = _PARSED.get(key)
    if cached is None:
        cached = ProgramMechanics.model_validate(_stored_fields(program), context=STORED)
        if program.updated_at is not None:  # a row not yet flushed has no version yet
            if len(_PARSED) >= _PARSED_LIMIT:
                _PARSED.clear()
            _PARSED[key] = cached
    return cached


def _stored_fields(program: Program) -> dict[str, Any]:
    return {name: getattr(program, name) for name in ProgramMechanics.model_fields}


def _vouchers_of(mechanics: ProgramMechanics) -> list[VoucherReward]:
    rewards = [mechanics.reward, *(milestone.reward for milestone in mechanics.milestones)]
    return [voucher for reward in rewards for voucher in voucher_rewards(reward)]


def _apply(program: Program, mechanics: ProgramMechanics) -> None:
    for name, value in mechanics.model_dump(mode="json").items():
        setattr(program, name, value)


def create_program(session: Session, merchant_id: str, body: ProgramCreate) -> ProgramResult:
    """Create a program for the merchant."""
    require_own_pools(session, merchant_id, _vouchers_of(body))
    program = Program(id=new_id("prg"), merchant_id=merchant_id)
    _apply(program, body)
    session.add(program)
    commit_unit(session)
    return ProgramResult(program, body.setup_warnings() + _sibling_warnings(session, merchant_id))


def _sibling_warnings(session: Session, merchant_id: str) -> list[str]:
    """A second program changes what a sale without ``program_id`` means: say so once."""
    count = session.scalar(select(func.count()).where(Program.merchant_id == merchant_id)) or 0
    if count != 2:
        return []
    return [
        "program_id: the merchant now has 2 programs, so every POST /v1/sales must name its "
        "program_id (a sale without one answers 422 program_required); POS connections "
        "already name theirs"
    ]


def get_program(session: Session, merchant_id: str, program_id: str) -> Program:
    """One of the merchant's programs, or 404."""
    return owned_by(session, Program, program_id, merchant_id, "program")


def list_programs(session: Session, merchant_id: str, query: PageQuery) -> Page[Program]:
    """The merchant's programs, newest first."""
    statement = select(Program).where(Program.merchant_id == merchant_id)
    return fetch_page(session, statement, Program.id, Program.created_at, query)


def update_program(
    session: Session, merchant_id: str, program_id: str, patch: ProgramPatch
) -> ProgramResult:
    """Change the given fields; the result must still be a valid program."""
    program = get_program(session, merchant_id, program_id)
    before = _stored_fields(program)
    merged = {**before, **patch.model_dump(mode="json", exclude_unset=True)}
    mechanics = ProgramMechanics.model_validate(merged)
    require_own_pools(session, merchant_id, _vouchers_of(mechanics))
    after = mechanics.model_dump(mode="json")
    changed = [name for name in MECHANICS if after[name] != before[name]]
    warnings = mechanics.setup_warnings()
    if changed:
        cards = session.scalar(select(func.count()).where(Card.program_id == program.id)) or 0
        if cards:
            warnings.append(
                f"{', '.join(changed)} changed while {cards} card(s) exist: their stamps stay, "
                "but what they earn from now on follows the new settings"
            )
    _apply(program, mechanics)
    program.updated_at = utcnow()
    commit_unit(session)
    return ProgramResult(program, warnings)
