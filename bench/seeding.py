"""Bulk rows for the scale bench: cards with their ledger lines, sales, vouchers, events,
deliveries and inbound events of one merchant, written with COPY.

Every seeded row is old and settled (a sale processed a year ago, its delivery succeeded),
as most rows of a gateway that has run for a while are; ids sort before the ids the
gateway draws now. Rows ``start`` to ``stop`` are written, so a database can be grown in
steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg

from gateway.loyalty.cards.numbers import luhn_check_digit

SETTLED_AT = "2025-12-01 10:00:00+00"
CHUNK = 5_000


@dataclass(frozen=True)
class Owner:
    """The rows every seeded row belongs to."""

    merchant_id: str
    program_id: str
    endpoint_id: str
    connection_id: str


def seed_id(prefix: str, index: int) -> str:
    """An id of the gateway's shape that sorts before every id it draws now."""
    return f"{prefix}_00{index:024d}"


def card_number(index: int) -> str:
    """A valid 12-digit card number of its own range."""
    body = f"9{index:010d}"
    return body + luhn_check_digit(body)


def seed_phone(index: int) -> str:
    """A customer phone of its own range."""
    return f"+1555{index:07d}"


def seed_code(index: int) -> str:
    """The code of the seeded voucher ``index``."""
    return f"SEED{index:08d}"


Row = Callable[[Owner, int], tuple[object, ...]]


def _card(owner: Owner, i: int) -> tuple[object, ...]:
    return (
        seed_id("crd", i),
        owner.merchant_id,
        owner.program_id,
        card_number(i),
        f"seedtoken{i:023d}",
        seed_phone(i),
        1,
        1,
        1,
        SETTLED_AT,
        SETTLED_AT,
        SETTLED_AT,
    )


def _entry(owner: Owner, i: int) -> tuple[object, ...]:
    return (
        owner.merchant_id,
        seed_id("crd", i),
        "sale",
        1,
        1,
        1,
        seed_id("sal", i),
        "pos",
        "main",
        SETTLED_AT,
    )


def _sale(owner: Owner, i: int) -> tuple[object, ...]:
    return (
        seed_id("sal", i),
        owner.merchant_id,
        "api",
        f"SEED-{i}",
        "0" * 64,
        owner.program_id,
        seed_id("crd", i),
        "processed",
        900,
        "EUR",
        SETTLED_AT,
        "main",
        "{}",
        1,
        0,
        "{}",
        SETTLED_AT,
    )


def _voucher(owner: Owner, i: int) -> tuple[object, ...]:
    return (
        seed_id("vch", i),
        owner.merchant_id,
        owner.program_id,
        seed_id("crd", i),
        "redeemed",
        f"seedvoucher{i:021d}",
        "Free coffee",
        "staff",
        seed_code(i),
        "unique",
        seed_code(i).casefold(),
        '{"type": "voucher"}',
        SETTLED_AT,
        SETTLED_AT,
        "goal",
    )


def _event(owner: Owner, i: int) -> tuple[object, ...]:
    return (
        seed_id("evt", i),
        owner.merchant_id,
        "sale.processed",
        seed_id("crd", i),
        "{}",
        SETTLED_AT,
    )


def _delivery(owner: Owner, i: int) -> tuple[object, ...]:
    return (
        seed_id("dlv", i),
        owner.merchant_id,
        owner.endpoint_id,
        seed_id("evt", i),
        "succeeded",
        1,
        SETTLED_AT,
        200,
        SETTLED_AT,
        SETTLED_AT,
    )


def _inbound(owner: Owner, i: int) -> tuple[object, ...]:
    return (
        seed_id("ibe", i),
        owner.merchant_id,
        owner.connection_id,
        "poster",
        f"transaction:{i}:closed",
        "transaction.closed",
        str(i),
        "{}",
        "processed",
        1,
        SETTLED_AT,
        SETTLED_AT,
        SETTLED_AT,
    )


# Parents before children: the foreign keys are checked row by row.
TABLES: tuple[tuple[str, str, Row], ...] = (
    (
        "cards",
        "id, merchant_id, program_id, number, customer_token, phone, stamps, cycle, "
        "version, created_at, updated_at, last_visit_at",
        _card,
    ),
    (
        "sales",
        "id, merchant_id, source, transaction_id, fingerprint, program_id, card_id, "
        "status, total, currency, closed_at, location, body, stamps_added, stamps_reversed, "
        "result, created_at",
        _sale,
    ),
    (
        "stamp_entries",
        "merchant_id, card_id, kind, delta, stamps_after, cycle_after, sale_id, "
        "channel, location, created_at",
        _entry,
    ),
    (
        "vouchers",
        "id, merchant_id, program_id, card_id, status, customer_token, description, "
        "redemption, code, code_mode, code_key, reward, issued_at, redeemed_at, source_kind",
        _voucher,
    ),
    ("events", "id, merchant_id, type, card_id, data, created_at", _event),
    (
        "deliveries",
        "id, merchant_id, endpoint_id, event_id, status, attempts, last_attempt_at, "
        "last_status_code, created_at, updated_at",
        _delivery,
    ),
    (
        "inbound_events",
        "id, merchant_id, connection_id, pos, dedupe_key, kind, object_id, "
        "payload, status, attempts, next_attempt_at, received_at, processed_at",
        _inbound,
    ),
)


def _lines(owner: Owner, row: Row, start: int, stop: int) -> Iterator[str]:
    for first in range(start, stop, CHUNK):
        yield "".join(
            "\t".join(map(str, row(owner, i))) + "\n"
            for i in range(first, min(first + CHUNK, stop))
        )


def seed(dsn: str, owner: Owner, start: int, stop: int) -> None:
    """Write rows ``start`` to ``stop`` of every seeded table, then refresh the statistics."""
    with psycopg.connect(dsn) as connection:
        for table, columns, row in TABLES:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for chunk in _lines(owner, row, start, stop):
                    copy.write(chunk)
            connection.commit()
        connection.autocommit = True
        for table, _columns, _row in TABLES:
            connection.execute(f"VACUUM ANALYZE {table}")
