"""Every integer the API accepts is bounded, and no bound exceeds the column it is stored in.

The tables below say where each integer field of a request goes. A field or an integer column
that is not listed fails these tests, so a new one is classified (and bounded) when it is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import BigInteger, Integer, SmallInteger
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeEngine

from gateway.loyalty.programs.schemas import MAX_GOAL
from gateway.models import Base
from mappings.rules import MAX_STAMPS_PER_SALE

# What PostgreSQL holds in each type (SQLite's INTEGER holds 64 bits whatever it is called).
CAPACITY: dict[type[TypeEngine[Any]], int] = {
    SmallInteger: 2**15 - 1,
    BigInteger: 2**63 - 1,
    Integer: 2**31 - 1,
}

POSTGRESQL = postgresql.dialect()  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy

# Request field (schema.field, or in:name for parameters) -> integer columns it is written to.
# () means it is kept only inside a JSON document (programs, sale bodies) or not stored.
API_INTEGERS: dict[str, tuple[str, ...]] = {
    "PosSale.total": ("sales.total",),
    "PosSaleLine.amount": (),
    "PosSaleLine.quantity": (),
    "ProgramCreate.stamps_goal": ("programs.stamps_goal",),
    "ProgramPatch.stamps_goal": ("programs.stamps_goal",),
    "ProgramCreate.max_stamps_per_sale": ("programs.max_stamps_per_sale",),
    "ProgramPatch.max_stamps_per_sale": ("programs.max_stamps_per_sale",),
    "Milestone.stamps": ("vouchers.source_milestone", "spins.source_milestone"),
    "PerSaleRule.stamps": (),
    "PerSaleRule.min_total": (),
    "PerItemRule.stamps": (),
    "PerAmountRule.stamps": (),
    "PerAmountRule.every": (),
    "UniqueCode.expected_volume": (),
    "DaysValidity.count": (),
    "MonthsValidity.count": (),
    "StampsAdd.count": ("stamp_entries.delta",),
    "CodeHold.ttl_seconds": (),
    "ClaimBatchCreate.count": ("claim_batches.count",),
    "ClaimBatchCreate.stamps": ("claim_batches.stamps", "claims.stamps"),
    "Inactive.days": (),  # campaign segments are kept in the campaign's JSON document
    "NearGoal.stamps_left": (),
    "VoucherExpiring.days": (),
    "WinBack.days": (),  # stored in the automation's trigger document
    "VoucherReminder.days": (),
    "query:limit": (),
}
# Integers a POS sends as ids or times: checked and stored as text, so any size is harmless.
TEXTUAL = {"PosterHook.object_id", "PosterHook.time"}

# Integer columns no request writes directly, and the largest value each can receive.
DERIVED: dict[str, int] = {
    "cards.stamps": MAX_GOAL - 1,
    "stamp_entries.stamps_after": MAX_GOAL - 1,
    "stamp_entries.delta": MAX_STAMPS_PER_SALE,  # a sale, or a refund of one, at most
    "sales.stamps_added": MAX_STAMPS_PER_SALE,
    "sales.stamps_reversed": MAX_STAMPS_PER_SALE,
    "refunds.stamps_reversed": MAX_STAMPS_PER_SALE,
    "refunds.shortfall": MAX_STAMPS_PER_SALE,
    "claims.stamps": MAX_STAMPS_PER_SALE,  # what a sale earned, or an insert's bounded stamps
    "vouchers.source_milestone": MAX_GOAL - 1,
    "spins.source_milestone": MAX_GOAL - 1,
    "idempotency_keys.status_code": 599,
    "deliveries.last_status_code": 599,
    "delivery_attempts.status_code": 599,
    "staff_seats.repeat_seconds": 3600,  # SeatCreate, from the console's form (not the API)
    "cards.birthday_year": 9999,  # the four digits of a checked birthday text
}
# Counters that grow by one per event (or a few per sale): billions of events away from full.
COUNTERS = {
    "cards.cycle",
    "cards.version",
    "stamp_entries.cycle_after",
    "vouchers.source_cycle",
    "spins.source_cycle",
    "deliveries.attempts",
    "inbound_events.attempts",
    "campaign_messages.attempts",
    "google_wallet_jobs.attempts",
    "delivery_attempts.duration_ms",
    "apple_pushes.attempts",
    "apple_passes.update_tag",  # microseconds since 1970 of the pass's latest change
    "merchants.setup_version",  # one step per change of a program or webhook endpoint
    "staff_seats.session_epoch",  # one more each time the owner signs a seat's devices out
}


def _request_integers(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(schema.field or in:name, integer schema) for every integer a request can carry."""
    components = document["components"]["schemas"]

    def walk(schema: dict[str, Any], owner: str, field: str, seen: frozenset[str]) -> Iterator[Any]:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:  # (a dangling reference is test_openapi's concern)
                yield from walk(components.get(name, {}), name, field, seen | {name})
            return
        if schema.get("type") == "integer":
            yield f"{owner}.{field}", schema
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                yield from walk(option, owner, field, seen)
        named = schema.get("title", owner) if "properties" in schema else owner
        for name, value in schema.get("properties", {}).items():
            yield from walk(value, named, name, seen)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                yield from walk(schema[key], owner, field, seen)

    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                place = f"{parameter['in']}:{parameter['name']}"
                for _, schema in walk(parameter.get("schema", {}), "", "", frozenset()):
                    yield place, schema
            for content in operation.get("requestBody", {}).get("content", {}).values():
                yield from walk(content.get("schema", {}), "", "", frozenset())


def _maximum(schema: dict[str, Any]) -> int | None:
    if "maximum" in schema:
        return int(schema["maximum"])
    if "exclusiveMaximum" in schema:
        return int(schema["exclusiveMaximum"]) - 1
    return None


def _integer_columns() -> dict[str, int]:
    """``table.column`` -> what PostgreSQL holds, for every integer column but the keys."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type.dialect_impl(POSTGRESQL)
            capacity = next((cap for t, cap in CAPACITY.items() if isinstance(kind, t)), None)
            if capacity is not None and not column.primary_key:
                found[f"{table.name}.{column.name}"] = capacity
    return found


@pytest.fixture
def request_integers(client: FlaskClient) -> dict[str, list[dict[str, Any]]]:
    document = client.get("/openapi.json").get_json()
    found: dict[str, list[dict[str, Any]]] = {}
    for key, schema in _request_integers(document):
        found.setdefault(key, []).append(schema)
    return found


def test_every_request_integer_is_classified_and_bounded(
    request_integers: dict[str, list[dict[str, Any]]],
) -> None:
    unknown = set(request_integers) - set(API_INTEGERS) - TEXTUAL
    assert not unknown, f"classify these request integers in API_INTEGERS: {sorted(unknown)}"
    stale = (set(API_INTEGERS) | TEXTUAL) - set(request_integers)
    assert not stale, f"no longer in the API: {sorted(stale)}"
    unbounded = {
        key
        for key, schemas in request_integers.items()
        if key not in TEXTUAL and any(_maximum(schema) is None for schema in schemas)
    }
    assert not unbounded, f"give these a maximum: {sorted(unbounded)}"


def test_no_request_maximum_exceeds_its_columns(
    request_integers: dict[str, list[dict[str, Any]]],
) -> None:
    columns = _integer_columns()
    too_wide = [
        (key, target, maximum, columns[target])
        for key, targets in API_INTEGERS.items()
        for target in targets
        for maximum in (_maximum(schema) or 0 for schema in request_integers.get(key, []))
        if maximum > columns[target]
    ]
    assert not too_wide, f"(field, column, maximum, column holds): {too_wide}"


def test_every_integer_column_is_fed_by_a_bounded_source() -> None:
    columns = _integer_columns()
    written = {target for targets in API_INTEGERS.values() for target in targets}
    unknown = set(columns) - written - set(DERIVED) - COUNTERS
    assert not unknown, f"say what bounds these columns (DERIVED or COUNTERS): {sorted(unknown)}"
    assert set(DERIVED) | COUNTERS | written <= set(columns), "a listed column no longer exists"
    overflowing = {name: bound for name, bound in DERIVED.items() if bound > columns[name]}
    assert not overflowing, overflowing
