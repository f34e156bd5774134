"""Programs: create, read, list, and change (with a warning once cards exist)."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from gateway.db import commit_unit_of_work, utcnow
from gateway.errors import DomainError
from gateway.ids import new_id
from gateway.loyalty.cards.models import Card
from gateway.loyalty.codes.pools import require_own_pools
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.rewards import STORED, VoucherReward, voucher_rewards
from gateway.loyalty.programs.schemas import ProgramCreate, ProgramMechanics, ProgramPatch
from gateway.loyalty.programs.warnings import ProgramWarning, warning
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page
from gateway.tenancy.setup import SetupCache

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
    warnings: list[ProgramWarning]


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


def create_program(
    session: Session, merchant_id: str, body: ProgramCreate, *, dry_run: bool = False
) -> ProgramResult:
    """Create a program for the merchant; the first one becomes the default.

    ``dry_run`` answers what creating it would warn about, and keeps nothing.
    """
    require_own_pools(session, merchant_id, _vouchers_of(body))
    mechanics = ProgramMechanics.model_validate(body.model_dump(exclude={"is_default"}))
    program_id = new_id("prg")

    def create() -> ProgramResult:
        program = Program(id=program_id, merchant_id=merchant_id)
        _apply(program, mechanics)
        is_default = body.is_default
        if is_default is None:
            is_default = not _count(session, merchant_id)
        _set_default(session, program, is_default)
        session.add(program)
        session.flush()
        return ProgramResult(
            program, mechanics.setup_warnings() + _default_warnings(session, program)
        )

    return _rehearsed(session, create) if dry_run else commit_unit_of_work(session, create)


def _rehearsed(session: Session, work: Callable[[], ProgramResult]) -> ProgramResult:
    try:
        return work()
    finally:
        session.rollback()


_DEFAULTS: SetupCache[Program | None] = SetupCache()


def default_program(session: Session, merchant_id: str) -> Program | None:
    """The program sales without ``program_id`` go to, if the merchant has one."""
    cached = _DEFAULTS.get(
        session, merchant_id, "default", lambda: _load_default(session, merchant_id)
    )
    if cached is None:
        return None
    present = session.identity_map.get(identity_key(instance=cached))
    if present is not None:
        return present  # the session's own row, with its pending changes
    # The cached copy is detached and shared: each session gets its own, with no query.
    return session.merge(cached, load=False)


def _load_default(session: Session, merchant_id: str) -> Program | None:
    loaded = session.scalars(
        select(Program).where(Program.merchant_id == merchant_id, Program.is_default)
    ).first()
    return None if loaded is None else _detached_copy(loaded)


def _detached_copy(program: Program) -> Program:
    columns = inspect(Program).column_attrs
    copy = Program(**{column.key: deepcopy(getattr(program, column.key)) for column in columns})
    make_transient_to_detached(copy)
    return copy


def _count(session: Session, merchant_id: str) -> int:
    return session.scalar(select(func.count()).where(Program.merchant_id == merchant_id)) or 0


def _set_default(session: Session, program: Program, is_default: bool) -> None:
    if is_default:
        # The old default gives way first: the unique index allows one default per merchant.
        session.execute(
            update(Program)
            .where(
                Program.merchant_id == program.merchant_id,
                Program.is_default,
                Program.id != program.id,
            )
            .values(is_default=False)
        )
    program.is_default = is_default


def _default_warnings(session: Session, program: Program) -> list[ProgramWarning]:
    """With several programs, say where a sale without ``program_id`` goes."""
    count = _count(session, program.merchant_id)
    if count < 2 or program.is_default:
        return []
    fix = f'PATCH /v1/programs/{program.id} with {{"is_default": true}}'
    default = default_program(session, program.merchant_id)
    if default is None:
        detail = (
            f"program_id: the merchant has {count} programs and none is the default, so every "
            "POST /v1/sales must name its program_id (a sale without one answers 422 "
            f"program_required); {fix} makes this one the default"
        )
    else:
        detail = (
            f'program_id: sales without program_id go to the default program "{default.name}" '
            f"({default.id}); a sale for this program must name its program_id, or {fix} "
            "makes it the default. POS connections name their own program"
        )
    return [warning("default_program", detail)]


def get_program(session: Session, merchant_id: str, program_id: str) -> Program:
    """One of the merchant's programs, or 404."""
    return owned_by(session, Program, program_id, merchant_id, "program")


def list_programs(session: Session, merchant_id: str, query: PageQuery) -> Page[Program]:
    """The merchant's programs, newest first."""
    statement = select(Program).where(Program.merchant_id == merchant_id)
    return fetch_page(session, statement, Program.id, Program.created_at, query)


def update_program(
    session: Session,
    merchant_id: str,
    program_id: str,
    patch: ProgramPatch,
    seen_version: datetime | None = None,
    *,
    dry_run: bool = False,
) -> ProgramResult:
    """Change the given fields; the result must still be a valid program.

    ``seen_version`` (the ``updated_at`` the caller read) refuses a change made over another
    one: a form left open must not silently undo what someone saved meanwhile. ``dry_run``
    answers what the change would warn about, and keeps nothing.
    """
    program = get_program(session, merchant_id, program_id)
    if seen_version is not None and program.updated_at != seen_version:
        raise DomainError(
            "conflict",
            "This program was changed by someone else after you opened it. Reload the page to "
            "see their changes, then make yours again.",
        )
    before = _stored_fields(program)
    given = patch.model_dump(mode="json", exclude_unset=True)
    is_default = given.pop("is_default", None)
    mechanics = ProgramMechanics.model_validate({**before, **given})
    require_own_pools(session, merchant_id, _vouchers_of(mechanics))
    warnings = mechanics.setup_warnings() + _earning_warnings(session, program, before, mechanics)

    def change() -> ProgramResult:
        _apply(program, mechanics)
        if is_default is not None:
            _set_default(session, program, is_default)
        program.updated_at = utcnow()
        session.flush()
        if is_default is None:
            return ProgramResult(program, warnings)
        return ProgramResult(program, warnings + _default_warnings(session, program))

    return _rehearsed(session, change) if dry_run else commit_unit_of_work(session, change)


def _earning_warnings(
    session: Session, program: Program, before: dict[str, Any], mechanics: ProgramMechanics
) -> list[ProgramWarning]:
    after = mechanics.model_dump(mode="json")
    changed = [name for name in MECHANICS if after[name] != before[name]]
    if not changed:
        return []
    cards = session.scalar(select(func.count()).where(Card.program_id == program.id)) or 0
    if not cards:
        return []
    detail = (
        f"{', '.join(changed)} changed while {cards} card(s) exist: their stamps stay, but what "
        "they earn from now on follows the new settings"
    )
    return [warning("earning_changed", detail)]
