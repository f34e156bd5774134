"""What every connector does with a translated sale or removal: apply it to loyalty state."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from connectors.base import ConnectionView, Outcome, ProcessingContext
from connectors.errors import EventRejected
from gateway.errors import DomainError
from gateway.loyalty.claims.presenters import with_claim_url
from gateway.loyalty.sales.canonical import PosRefund, PosSale
from gateway.loyalty.sales.models import Sale
from gateway.loyalty.sales.refunds import refund_sale
from gateway.loyalty.sales.service import record_sale

REMOVAL_REFUND_ID = "pos-removed"


def apply_translated(
    context: ProcessingContext,
    connection: ConnectionView,
    what: str,
    translate: Callable[[], PosSale],
) -> Outcome:
    """Translate a POS sale and apply it; data that cannot be read fails the event for good."""
    try:
        sale = translate()
    except ValueError as exc:  # pydantic's ValidationError included
        raise EventRejected(f"{what} cannot be read: {exc}") from exc
    return apply_sale(context, connection, sale)


def apply_sale(context: ProcessingContext, connection: ConnectionView, sale: PosSale) -> Outcome:
    """Record a closed sale once; the same transaction seen again is a no-op."""
    with context.session_factory() as session:
        try:
            outcome = record_sale(
                session,
                connection.merchant_id,
                sale,
                context.settings.claim_valid_for,
                connection_id=connection.id,
            )
        except DomainError as exc:
            if exc.code == "sale_conflict":
                # A closed sale edited later at the till: stamps follow the first close.
                return Outcome("ignored", {"reason": "sale_already_recorded", **_sale_ref(sale)})
            raise EventRejected(f"{exc.code}: {exc.detail}") from exc
        # The receipt's claim link, for a POS integration that prints it (null once claimed).
        body = with_claim_url(session, outcome.body, context.settings.public_url)
    return Outcome(
        "processed",
        {
            "sale_id": body["id"],
            "transaction_id": sale.transaction_id,
            "sale_status": body["status"],
            "card_number": body["card_number"],
            "stamps_added": body["stamps_added"],
            "redemptions": body["redemptions"],
            "replayed": not outcome.created,
            "claim_url": body["claim_url"],
        },
    )


def reverse_sale(
    context: ProcessingContext, connection: ConnectionView, source: str, transaction_id: str
) -> Outcome:
    """Refund in full a sale the POS removed; nothing to do if it was never recorded."""
    with context.session_factory() as session:
        sale_id = session.scalar(
            select(Sale.id).where(
                Sale.merchant_id == connection.merchant_id,
                Sale.source == source,
                Sale.transaction_id == transaction_id,
            )
        )
        if sale_id is None:
            return Outcome(
                "ignored", {"reason": "no_sale_recorded", "transaction_id": transaction_id}
            )
        outcome = refund_sale(
            session, connection.merchant_id, sale_id, PosRefund(refund_id=REMOVAL_REFUND_ID)
        )
    return Outcome(
        "processed",
        {
            "sale_id": sale_id,
            "transaction_id": transaction_id,
            "refund_id": outcome.body["id"],
            "stamps_reversed": outcome.body["stamps_reversed"],
            "replayed": not outcome.created,
        },
    )


def _sale_ref(sale: PosSale) -> dict[str, str]:
    return {"transaction_id": sale.transaction_id}
