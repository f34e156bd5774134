"""Code pools: the POS's own codes uploaded as CSV (bad rows listed by line, good ones kept)
or synced from a POS coupon series ("Sync now"), and a program's issued codes exported as CSV
for the POS."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from connectors.connections.service import list_connections
from connectors.pools.sync import set_pool_source, sync_pool_now
from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.loyalty.codes import pools as service
from gateway.loyalty.codes.export import export_codes
from gateway.loyalty.codes.schemas import CodePoolCreate, PoolSourceIn
from gateway.loyalty.codes.uploads import ImportReport, add_codes, parse_csv
from gateway.loyalty.programs.service import get_program
from gateway.pagination import PageQuery
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of

SHOWN_PROBLEMS = 200
COUPON_POS = ("serve",)  # the POS whose coupon series can fill a pool
# Where the pool page shows a refused source: beside the field it is about.
SOURCE_FIELDS = {"not_found": "connection_id", "pool_source_unsupported": "connection_id"}


@console.get("/code-pools")
@console_page()
def pools() -> Page:
    """The merchant's code pools with free and taken codes."""
    return _list_page(FormErrors())


def _list_page(errors: FormErrors, status: int = 200) -> tuple[str, int]:
    session = request_session()
    found = service.list_pools(session, logged_in_user().merchant_id, PageQuery(limit=500)).items
    counts = service.counts_of(session, [pool.id for pool in found])
    page = render_template("console/pools.html", pools=found, counts=counts, errors=errors)
    return page, status


@console.post("/code-pools")
@console_page()
def pools_create() -> Page:
    """Create an empty pool."""
    try:
        body = CodePoolCreate.model_validate({"name": request.form.get("name", "")})
    except ValidationError as exc:
        return _list_page(errors_of(exc, ("name",)), 422)
    pool = service.create_pool(request_session(), logged_in_user().merchant_id, body.name)
    flash(f"The pool “{pool.name}” is created: upload its codes.")
    return redirect(url_for("console.pools_show", pool_id=pool.id))


@console.get("/code-pools/<pool_id>")
@console_page()
def pools_show(pool_id: str) -> Page:
    """One pool: its counts and the upload form."""
    return _pool_page(pool_id, report=None)


def _pool_page(
    pool_id: str, report: ImportReport | None, errors: FormErrors | None = None, status: int = 200
) -> tuple[str, int]:
    session = request_session()
    pool = service.get_pool(session, logged_in_user().merchant_id, pool_id)
    counts = service.counts_of(session, [pool.id])[pool.id]
    problems = (
        [] if report is None else sorted(report.rejected + report.skipped, key=lambda p: p.line)
    )
    merchant_connections = list_connections(
        session, logged_in_user().merchant_id, PageQuery(limit=100)
    ).items
    page = render_template(
        "console/pool.html",
        pool=pool,
        counts=counts,
        connections=[c for c in merchant_connections if c.pos in COUPON_POS],
        report=report,
        problems=problems[:SHOWN_PROBLEMS],
        more_problems=max(0, len(problems) - SHOWN_PROBLEMS),
        errors=errors or FormErrors(),
    )
    return page, status


@console.post("/code-pools/<pool_id>/codes")
@console_page()
def pools_upload(pool_id: str) -> Page:
    """Add the codes of an uploaded CSV file; the answer lists every row not added."""
    upload = request.files.get("codes")
    if upload is None or not upload.filename:
        return _pool_page(pool_id, None, FormErrors(fields={"codes": "Choose a CSV file."}), 422)
    try:
        parsed = parse_csv(upload.read())
        report = add_codes(request_session(), logged_in_user().merchant_id, pool_id, parsed)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return _pool_page(pool_id, None, FormErrors(fields={"codes": exc.detail}), 422)
    return _pool_page(pool_id, report)


@console.post("/code-pools/<pool_id>/source")
@console_page()
def pools_source(pool_id: str) -> Page:
    """Fill the pool from a Syrve connection's coupon series (checked with the POS, then
    synced); a refused source is shown beside its field and nothing is saved."""
    ext = extensions()
    merchant_id = logged_in_user().merchant_id
    service.get_pool(request_session(), merchant_id, pool_id)  # another merchant's: 404
    fields = {name: request.form.get(name, "") for name in ("connection_id", "series_id")}
    try:
        body = PoolSourceIn.model_validate(fields)
        set_pool_source(
            request_session(),
            ext.settings,
            ext.connectors,
            merchant_id,
            pool_id,
            (body.connection_id, body.series_id),
        )
    except ValidationError as exc:
        return _pool_page(pool_id, None, errors_of(exc, ("connection_id", "series_id")), 422)
    except DomainError as exc:
        field = SOURCE_FIELDS.get(exc.code, "series_id")
        return _pool_page(pool_id, None, FormErrors(fields={field: exc.detail}), 422)
    flash("The pool is filled from the POS coupon series now.")
    return redirect(url_for("console.pools_show", pool_id=pool_id))


@console.post("/code-pools/<pool_id>/sync")
@console_page()
def pools_sync(pool_id: str) -> Page:
    """Sync the pool with its POS coupon series now; a failure is shown on the pool's page."""
    ext = extensions()
    try:
        pool = sync_pool_now(
            request_session(), ext.settings, ext.connectors, logged_in_user().merchant_id, pool_id
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        flash(f"The sync did not work: {exc.detail}")
    else:
        counts = service.counts_of(request_session(), [pool.id])[pool.id]
        flash(f"Synced with the POS: {counts.available} free codes.")
    return redirect(url_for("console.pools_show", pool_id=pool_id))


@console.get("/programs/<program_id>/codes.csv")
@console_page()
def programs_codes_csv(program_id: str) -> Response:
    """The program's issued unique and pool codes, as the API exports them."""
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    get_program(session, merchant_id, program_id)
    lines = export_codes(session, merchant_id, program_id, extensions().session_factory)
    response = Response(lines, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{program_id}-codes.csv"'
    return response
