"""Filling code pools from the merchant's POS export: parse, dedupe, add, report by line.

Bad rows are reported with their line and the good rows kept; the rows of one upload are
added in one transaction, so an upload is either recorded with its report or not at all.
Vouchers that were issued while the pool was empty get their codes as soon as it is refilled.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from gateway.audit.recorder import note
from gateway.db import commit_unit_of_work, utcnow
from gateway.errors import DomainError
from gateway.loyalty.codes.models import CodePool, PoolCode
from gateway.loyalty.codes.pools import get_pool, take_code
from gateway.loyalty.codes.text import code_key
from gateway.loyalty.vouchers.lifecycle import summary
from gateway.loyalty.vouchers.models import Voucher
from gateway.loyalty.vouchers.states import VoucherStatus
from gateway.text import spelled_out
from webhooks.outbox import record_event

MAX_CODE_LENGTH = 64
_CHUNK = 500
_HEADER = "code"


@dataclass(frozen=True)
class UploadRow:
    """One code of an upload and the line it came from (1-based)."""

    line: int
    code: str


@dataclass(frozen=True)
class RowProblem:
    """A row that was not added, and why."""

    line: int
    code: str
    reason: str


@dataclass(frozen=True)
class Upload:
    """The good rows of an upload and the rows refused while parsing."""

    rows: list[UploadRow]
    rejected: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    """What an upload did to the pool."""

    pool: CodePool
    added: int
    assigned: int
    skipped: list[RowProblem]
    rejected: list[RowProblem]


def _problem_of(code: str) -> str | None:
    if not code:
        return "empty"
    if len(code) > MAX_CODE_LENGTH:
        return "too_long"
    if not code.isprintable():
        return "invalid_characters"
    return None


def parse_codes(items: Iterable[tuple[int, str]]) -> Upload:
    """Check each (line, code); trimmed good codes become rows, the rest are rejected."""
    rows, rejected = [], []
    for line, raw in items:
        code = raw.strip()
        reason = _problem_of(code)
        if reason is None:
            rows.append(UploadRow(line, code))
        else:
            rejected.append(RowProblem(line, spelled_out(code[:MAX_CODE_LENGTH]), reason))
    return Upload(rows, rejected)


def _csv_cells(text: str) -> Iterator[tuple[int, str]]:
    reader = csv.reader(io.StringIO(text))
    column, first = 0, True
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are layout, not data
        if first:
            first = False
            names = [cell.strip().casefold() for cell in cells]
            if _HEADER in names:  # a header: take the code column, wherever it is
                column = names.index(_HEADER)
                continue
        yield reader.line_num, cells[column] if column < len(cells) else ""


def parse_csv(data: bytes) -> Upload:
    """Codes from CSV: one per line, or a ``code`` column named in a header row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError("malformed_csv", "The CSV is not UTF-8 text.") from exc
    try:
        return parse_codes(_csv_cells(text))
    except csv.Error as exc:
        raise DomainError("malformed_csv", f"The CSV cannot be read: {exc}.") from exc


def add_codes(session: Session, merchant_id: str, pool_id: str, upload: Upload) -> ImportReport:
    """Add an upload's new codes to the pool; duplicates and codes in use are skipped."""

    def add() -> ImportReport:
        pool = get_pool(session, merchant_id, pool_id)
        added, skipped = store_new_codes(session, pool, upload.rows)
        assigned = refill_waiting(session, pool) if added else 0
        skipped.sort(key=lambda problem: problem.line)
        report = ImportReport(pool, added, assigned, skipped, list(upload.rejected))
        _note_import(session, report)
        return report

    return commit_unit_of_work(session, add)


def store_new_codes(
    session: Session, pool: CodePool, rows: Sequence[UploadRow]
) -> tuple[int, list[RowProblem]]:
    """Insert the rows' codes the merchant does not have yet; the others come back skipped
    (``duplicate`` in this pool, ``in_use`` elsewhere). The caller commits."""
    fresh, skipped = _dedupe(rows)
    taken = _taken_keys(session, pool, [code_key(row.code) for row in fresh])
    new_rows = []
    for row in fresh:
        reason = taken.get(code_key(row.code))
        if reason is None:
            new_rows.append(row)
        else:
            skipped.append(RowProblem(row.line, row.code, reason))
    if new_rows:
        now = utcnow()
        session.execute(
            insert(PoolCode),
            [
                {"pool_id": pool.id, "code": r.code, "code_key": code_key(r.code), "added_at": now}
                for r in new_rows
            ],
        )
    return len(new_rows), skipped


def _note_import(session: Session, report: ImportReport) -> None:
    # The codes themselves are not copied into the audit log: only how many came and went.
    details = {
        "added": report.added,
        "vouchers_assigned": report.assigned,
        "skipped": len(report.skipped),
        "rejected": len(report.rejected),
    }
    pool = report.pool
    note(
        session,
        merchant_id=pool.merchant_id,
        object_type="code_pool",
        object_id=pool.id,
        action="code_pool.codes_imported",
        details=details,
    )


def _dedupe(rows: Sequence[UploadRow]) -> tuple[list[UploadRow], list[RowProblem]]:
    seen: set[str] = set()
    fresh, skipped = [], []
    for row in rows:
        key = code_key(row.code)
        if key in seen:
            skipped.append(RowProblem(row.line, row.code, "duplicate"))
        else:
            seen.add(key)
            fresh.append(row)
    return fresh, skipped


def _taken_keys(session: Session, pool: CodePool, keys: list[str]) -> dict[str, str]:
    """Keys already in this pool (``duplicate``), another pool or a voucher (``in_use``)."""
    taken: dict[str, str] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        pooled = session.execute(
            select(PoolCode.code_key, PoolCode.pool_id)
            .join(CodePool, CodePool.id == PoolCode.pool_id)
            .where(CodePool.merchant_id == pool.merchant_id, PoolCode.code_key.in_(chunk))
        )
        for key, owner in pooled:
            taken[key] = "duplicate" if owner == pool.id else "in_use"
        # A code that is also a voucher's code would make the till's lookup ambiguous.
        issued = session.scalars(
            select(Voucher.code_key).where(
                Voucher.merchant_id == pool.merchant_id, Voucher.code_key.in_(chunk)
            )
        )
        for key in issued:
            if key is not None:
                taken.setdefault(key, "in_use")
    return taken


def refill_waiting(session: Session, pool: CodePool) -> int:
    """Give codes to the pool's vouchers that were issued while it was empty, oldest first."""
    waiting = session.scalars(
        select(Voucher)
        .where(
            Voucher.code_pool_id == pool.id,
            Voucher.code.is_(None),
            Voucher.status.in_((VoucherStatus.ISSUED, VoucherStatus.ACTIVE)),
        )
        .order_by(Voucher.issued_at, Voucher.id)
    ).all()
    assigned = 0
    for voucher in waiting:
        text = take_code(session, pool.id, voucher.id)
        if text is None:
            break
        given = session.execute(
            update(Voucher)
            .where(Voucher.id == voucher.id, Voucher.code.is_(None))
            .values(code=text, code_key=code_key(text))
            .execution_options(synchronize_session="fetch")
        )
        if getattr(given, "rowcount", 0) != 1:  # a concurrent refill got there first
            session.execute(
                update(PoolCode)
                .where(PoolCode.pool_id == pool.id, PoolCode.code_key == code_key(text))
                .values(voucher_id=None, taken_at=None)
            )
            continue
        data = summary(session, voucher, pool_id=pool.id)
        record_event(
            session, pool.merchant_id, "voucher.code_assigned", data, card_id=voucher.card_id
        )
        assigned += 1
    return assigned
