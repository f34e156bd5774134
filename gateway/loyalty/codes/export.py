"""A program's issued per-voucher codes as CSV, for loading into a POS."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from gateway.db import utcnow
from gateway.loyalty.cards.models import Card
from gateway.loyalty.programs.service import get_program
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.states import VoucherStatus
from gateway.timestamps import iso_utc

COLUMNS = ("code", "status", "voucher_id", "card_number", "valid_until", "issued_at", "mode")
BATCH = 1000
_EXPORTED_MODES = ("unique", "pool")


def _time(value: datetime | None) -> str:
    return iso_utc(value) if value is not None else ""


def _line(values: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _exported(program_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        Voucher.program_id == program_id,
        Voucher.code_mode.in_(_EXPORTED_MODES),
        Voucher.code.is_not(None),
    )


def count_codes(session: Session, merchant_id: str, program_id: str) -> int:
    """How many codes the program's export has (404 for another merchant's program)."""
    program = get_program(session, merchant_id, program_id)
    statement = select(func.count()).select_from(Voucher).where(*_exported(program.id))
    return session.scalar(statement) or 0


def export_codes(
    session: Session, merchant_id: str, program_id: str, open_session: Callable[[], Session]
) -> Iterator[str]:
    """CSV lines (header first) of the program's unique and pool codes, oldest first.

    The program is looked up before the first line, so a missing one fails before streaming;
    the lines are read on a session of their own (``open_session``), closed when they end, as
    a streamed response outlives the request's session.
    """
    program = get_program(session, merchant_id, program_id)
    return _lines(open_session, program.id)


def _lines(open_session: Callable[[], Session], program_id: str) -> Iterator[str]:
    yield _line(COLUMNS)
    with open_session() as session:
        yield from _rows(session, program_id)


def _rows(session: Session, program_id: str) -> Iterator[str]:
    now, after = utcnow(), ""
    while True:
        rows = session.execute(
            select(
                Voucher.id,
                Voucher.code,
                Voucher.status,
                Voucher.valid_until,
                Voucher.issued_at,
                Voucher.code_mode,
                Card.number,
            )
            .outerjoin(Card, Card.id == Voucher.card_id)
            .where(*_exported(program_id), Voucher.id > after)
            .order_by(Voucher.id)
            .limit(BATCH)
        ).all()
        for voucher_id, code, status, valid_until, issued_at, mode, number in rows:
            if status == VoucherStatus.ACTIVE and valid_until is not None and valid_until <= now:
                status = VoucherStatus.EXPIRED.value  # what a read would show; nothing is written
            values = (code, status, voucher_id, number or "", _time(valid_until), _time(issued_at))
            yield _line((*values, mode))
        if len(rows) < BATCH:
            return
        after = rows[-1].id
