"""The analytics route: the merchant's figures for a period and a location."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.loyalty.analytics.schemas import AnalyticsOut, AnalyticsQuery
from gateway.loyalty.analytics.service import merchant_analytics

analytics = merchant_blueprint(
    "analytics",
    __name__,
    Tag(name="Analytics", description="Stamps, rewards, vouchers and rejected codes per period."),
)


@analytics.get("/analytics", responses={200: AnalyticsOut, **problem_responses("validation_error")})
def get_analytics(query: AnalyticsQuery) -> dict[str, Any]:
    """Figures for whole days in the merchant's time zone (``from`` and ``to`` included, at
    most 400 days; default the last 30 days), optionally for one ``location``: stamps given
    and reversed, goals and milestones reached, vouchers issued / redeemed / expired, the
    redemption rate, rejected codes (on sales and at the till), per location, per staff and
    per day."""
    return merchant_analytics(request_session(), current_merchant_id(), query).as_json()
