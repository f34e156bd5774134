"""Delivery inserts: the merchant's claim batches, a form to make one, and its printable sheet."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.loyalty.claims import batches
from gateway.loyalty.claims.issuing import claim_url
from gateway.loyalty.claims.schemas import ClaimBatchCreate
from gateway.loyalty.programs.service import get_program, list_programs
from gateway.loyalty.vouchers.images import qr_svg
from gateway.pagination import PageQuery
from gateway.tenancy.service import get_merchant
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of

FIELDS = ("program_id", "count", "stamps", "valid_until")
DEFAULT_WEEKS = 12


@console.get("/claim-batches")
@console_page()
def claim_batches() -> Page:
    """The batches with how many inserts were claimed, and the form to make one."""
    return _list_page(_defaults(), FormErrors())


@console.post("/claim-batches")
@console_page()
def claim_batches_create() -> Page:
    """Make a batch of inserts; a field that is wrong is said beside it and nothing is made."""
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    merchant_id = logged_in_user().merchant_id
    try:
        body = ClaimBatchCreate.model_validate(
            {**values, "valid_until": _end_of_day(values["valid_until"], merchant_id)}
        )
        summary = batches.create_batch(request_session(), merchant_id, body)
    except ValidationError as exc:
        return _list_page(values, errors_of(exc, FIELDS), 422)
    except DomainError as exc:
        if exc.code != "not_found":
            raise
        return _list_page(values, FormErrors(fields={"program_id": "Choose a program."}), 422)
    flash(f"{summary.batch.count} inserts are ready: print their sheet.")
    return redirect(url_for("console.claim_batches"))


@console.get("/claim-batches/<batch_id>/sheet")
@console_page()
def claim_batches_sheet(batch_id: str) -> Page:
    """The batch's print-ready sheet: one QR code per insert, with its link under it."""
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    summary = batches.get_batch(session, merchant_id, batch_id)
    program = get_program(session, merchant_id, summary.batch.program_id)
    public_url = extensions().settings.public_url
    inserts = []
    for claim in batches.all_inserts(session, merchant_id, batch_id):
        link = claim_url(public_url, claim.token)
        # The QR image is our own SVG (numbers and a path), safe to place in the page as is.
        picture = Markup(qr_svg(link).decode())  # noqa: S704
        inserts.append({"link": link, "qr": picture, "claimed": claim.claimed_at is not None})
    merchant = get_merchant(session, merchant_id)
    return render_template(
        "console/claim_sheet.html",
        batch=summary.batch,
        program=program,
        merchant=merchant,
        inserts=inserts,
    )


def _list_page(values: dict[str, str], errors: FormErrors, status: int = 200) -> tuple[str, int]:
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    found = batches.list_batches(session, merchant_id, PageQuery(limit=200)).items
    programs = list_programs(session, merchant_id, PageQuery(limit=500)).items
    names = {program.id: program.name for program in programs}
    page = render_template(
        "console/claim_batches.html",
        batches=found,
        programs=programs,
        names=names,
        values=values,
        errors=errors,
    )
    return page, status


def _defaults() -> dict[str, str]:
    until = datetime.now(UTC).date() + timedelta(weeks=DEFAULT_WEEKS)
    return {"program_id": "", "count": "100", "stamps": "1", "valid_until": until.isoformat()}


def _end_of_day(day: str, merchant_id: str) -> str:
    """A date typed in the form: the inserts last to the end of that day where the merchant is."""
    try:
        date = datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        return day  # the schema names the field and says what it needs
    zone = ZoneInfo(get_merchant(request_session(), merchant_id).timezone)
    return datetime.combine(date, time(23, 59, 59), tzinfo=zone).isoformat()
