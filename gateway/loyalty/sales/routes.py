"""Sale routes: the REST sales connector and refunds."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3.models.tag import Tag

from gateway.api.downloads import csv_documented, csv_download
from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.loyalty.cards.numbers import CARD_LOOKUP
from gateway.loyalty.claims.presenters import with_claim_url, with_claim_urls
from gateway.loyalty.codes.attempts import sale_attempt
from gateway.loyalty.sales import refunds
from gateway.loyalty.sales import service as sales
from gateway.loyalty.sales.canonical import PosRefund, PosSale
from gateway.loyalty.sales.export import COLUMNS, sale_export
from gateway.loyalty.sales.presenters import sale_listed
from gateway.loyalty.sales.schemas import (
    RefundOut,
    SaleFilters,
    SaleOut,
    SalePage,
    SalePath,
    SaleQuery,
)

sales_api = merchant_blueprint(
    "sales",
    __name__,
    Tag(name="Sales", description="Closed sales become stamps; refunds reverse them."),
)
SALE_REFUSALS = (
    *CARD_LOOKUP,
    "program_required",
    "currency_mismatch",
    "sale_conflict",
    "code_space_exhausted",
)


@sales_api.post(
    "/sales", responses={201: SaleOut, 200: SaleOut, **problem_responses(*SALE_REFUSALS)}
)
def record_sale(body: PosSale) -> tuple[dict[str, Any], int]:
    """Apply a closed sale (201); the same sale again answers its first result (200).

    A sale with promo codes answers 429 ``too_many_attempts`` while its location is locked out
    after a run of unknown codes (retry it later: it is applied once)."""
    attempt = sale_attempt(body.location) if body.promo_codes else None
    settings = extensions().settings
    session = request_session()
    outcome = sales.record_sale(session, current_merchant_id(), body, settings.claim_valid_for)
    if attempt is not None and outcome.created:
        attempt.saw(outcome.body.get("redemptions", []))
    answer = with_claim_url(session, outcome.body, settings.public_url)
    return answer, 201 if outcome.created else 200


@sales_api.get("/sales", responses={200: SalePage, **problem_responses(*CARD_LOOKUP)})
def list_sales(query: SaleQuery) -> dict[str, Any]:
    """The merchant's sales, newest first: by the time they closed at the till, location,
    status and card (404 for an unknown card number)."""
    session = request_session()
    page = sales.list_sales(session, current_merchant_id(), query)
    listed = [sale_listed(sale) for sale in page.items]
    items = with_claim_urls(session, listed, extensions().settings.public_url)
    return {"items": items, "next_cursor": page.next_cursor}


@sales_api.get(
    "/sales/export.csv",
    responses={200: csv_documented(COLUMNS, "the sales"), **problem_responses(*CARD_LOOKUP)},
)
def export_sales(query: SaleFilters) -> Response:
    """Every sale the list would show for these filters, as CSV (streamed, newest first)."""
    export = sale_export(request_session(), current_merchant_id(), query)
    return csv_download(export, "sales.csv")


@sales_api.get("/sales/<sale_id>", responses={200: SaleOut, **problem_responses("not_found")})
def get_sale(path: SalePath) -> dict[str, Any]:
    """A sale's result; ``claim_url`` is its claim link while it is unattributed and unclaimed."""
    session = request_session()
    sale = sales.get_sale(session, current_merchant_id(), path.sale_id)
    return with_claim_url(session, sale.result, extensions().settings.public_url)


@sales_api.post(
    "/sales/<sale_id>/refunds",
    responses={201: RefundOut, 200: RefundOut, **problem_responses("not_found", "refund_conflict")},
)
def refund_sale(path: SalePath, body: PosRefund) -> tuple[dict[str, Any], int]:
    """Reverse the stamps of a sale, all or in proportion to the refunded lines."""
    outcome = refunds.refund_sale(request_session(), current_merchant_id(), path.sale_id, body)
    return outcome.body, 201 if outcome.created else 200
