"""The dashboard: the period's figures, per location and staff, a chart, and the setup hints."""

from __future__ import annotations

from flask import Response, render_template, request
from pydantic import BaseModel, Field, ValidationError, field_validator

from gateway.api.session import request_session
from gateway.loyalty.analytics import service as analytics
from gateway.loyalty.analytics.schemas import AnalyticsOut
from gateway.pagination import PageQuery
from gateway.tenancy import service as tenancy
from gateway.tenancy.seats import seat_names
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.chart import chart_of
from gateway.web.console.results import recent_results
from gateway.web.forms import FormErrors, errors_of

PERIODS = (7, 30, 90)


class DashboardChoice(BaseModel):
    """The period and location chosen on the dashboard (a GET form)."""

    days: int = 30
    location: str | None = Field(default=None, max_length=128)

    @field_validator("days")
    @classmethod
    def _offered(cls, value: int) -> int:
        if value not in PERIODS:
            raise ValueError(f"choose {', '.join(map(str, PERIODS))} days")
        return value


def _choice() -> tuple[DashboardChoice, FormErrors]:
    values = {name: value for name, value in request.args.items() if value}
    try:
        return DashboardChoice.model_validate(values), FormErrors()
    except ValidationError as exc:
        return DashboardChoice(), errors_of(exc, ["days", "location"])


def _figures(choice: DashboardChoice) -> AnalyticsOut:
    session, merchant_id = request_session(), logged_in_user().merchant_id
    query = analytics.last_days(session, merchant_id, choice.days, choice.location)
    return analytics.merchant_analytics(session, merchant_id, query)


@console.get("/")
@console_page()
def dashboard() -> Page:
    """The merchant's home: the chosen period's figures, then what is left to set up."""
    user = logged_in_user()
    session = request_session()
    choice, errors = _choice()
    merchant = tenancy.get_merchant(session, user.merchant_id)
    keys = tenancy.list_api_keys(session, user.merchant_id, PageQuery(limit=1))
    figures = _figures(choice)
    page = render_template(
        "console/dashboard.html",
        merchant=merchant,
        has_keys=bool(keys.items),
        choice=choice,
        periods=PERIODS,
        locations=analytics.known_locations(session, user.merchant_id),
        figures=figures,
        seat_names=seat_names(session, user.merchant_id),
        chart=chart_of(figures.days),
        results=recent_results(session, user.merchant_id),
        errors=errors,
    )
    return (page, 422) if errors else page


@console.get("/dashboard/chart.svg")
@console_page()
def dashboard_chart() -> Page:
    """The chart of stamps and redemptions per day, drawn on the server as SVG."""
    choice, _errors = _choice()
    svg = render_template("console/dashboard_chart.svg", chart=chart_of(_figures(choice).days))
    return Response(svg, mimetype="image/svg+xml")
