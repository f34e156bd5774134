"""POS: the connections and their health, the locations and promotion-code maps and the Serve
webhook (the inbound events are in ``pos_events``). Every action calls the API's service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.wrappers import Response

from connectors.base import RegistersWebhooks
from connectors.connections import mapping, registration
from connectors.connections import service as connections
from connectors.connections.models import PosConnection
from connectors.connections.schemas import (
    CodesBody,
    ConnectionCreate,
    ConnectionPatch,
    LocationsBody,
)
from connectors.poster.install import install_url
from gateway.api.problems import STATUSES
from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.service import get_program, list_programs
from gateway.pagination import PageQuery
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.catalog_choices import POS_NAMES
from gateway.web.console.pos_places import PlaceRow, mapped_rows, places_of
from gateway.web.forms import FormErrors, errors_of

SERVE_FIELDS = ("program_id", "organization_id", "api_login", "api_base_url")
POSTER_NOT_SET_UP = (
    "Connecting Poster is not switched on for this gateway yet. Whoever runs the gateway sets "
    "STAMPGATE_POSTER_APPLICATION_ID and STAMPGATE_POSTER_APPLICATION_SECRET (the Poster app's "
    "id and secret); then the install button appears here."
)
NO_PROGRAM = "Create a program first: every connection stamps the cards of one program."
# What the owner does when a connection needs re-authorisation, by POS.
REAUTH_HELP = {
    "poster": (
        "Poster no longer accepts the gateway's access (the app was removed or installed "
        "again). Sales that arrive meanwhile are kept and stamped once you reconnect. "
        "To fix it, open the connection, press Reconnect Poster and approve the app in "
        "Poster again."
    ),
    "serve": (
        "Serve refused the API login (it was removed, switched off or changed). Orders that "
        "arrive meanwhile are kept and stamped once it works again. To fix it, check the API "
        "login in Serve's settings (API logins), then enter it again on the connection's page."
    ),
}
# What the promotions section says when the POS could not list them (never an error page).
POS_TROUBLE = {
    "pos_unreachable": (
        "{pos} did not answer just now, so its promotions cannot be listed. Codes already "
        "mapped keep working. Reload this page in a few minutes."
    ),
    "pos_auth_rejected": (
        "{pos} refused the gateway's access, so its promotions cannot be listed. "
        "See “What to do” above."
    ),
    "pos_error": "{pos} could not list its promotions: {detail}",
}


@dataclass
class ConnectionForms:
    """What the forms of a connection page show again after a refused change."""

    errors: FormErrors = field(default_factory=FormErrors)
    failed: str = ""  # which form the general errors belong to
    locations: list[tuple[str, str]] | None = None
    place_rows: list[PlaceRow] | None = None  # the map's rows as posted, in page order
    codes: dict[str, str] | None = None
    api_login: str = ""
    new_token: str | None = None  # Serve's webhook token: shown on creation only


# --- connections -----------------------------------------------------------------------------


@console.get("/pos")
@console_page()
def pos() -> Page:
    """The merchant's connections with their health, and the ways to connect a POS."""
    return _connections_page(FormErrors(), {"api_base_url": ""})


def _connections_page(
    errors: FormErrors, values: Mapping[str, str], status: int = 200
) -> tuple[str, int]:
    merchant_id = _merchant_id()
    session = request_session()
    programs = _programs(merchant_id)
    listed = connections.list_connections(session, merchant_id, PageQuery(limit=500)).items
    page = render_template(
        "console/pos.html",
        connections=listed,
        programs=programs,
        program_names={program.id: program.name for program in programs},
        pos_names=POS_NAMES,
        reauth_help=REAUTH_HELP,
        poster_unavailable=_poster_unavailable(merchant_id, programs),
        no_program=NO_PROGRAM,
        errors=errors,
        values=values,
    )
    return page, status


def _programs(merchant_id: str) -> list[Program]:
    return list(list_programs(request_session(), merchant_id, PageQuery(limit=500)).items)


def _poster_unavailable(merchant_id: str, programs: list[Program]) -> str | None:
    """Why the Poster install button cannot be offered, if it cannot."""
    if not programs:
        return NO_PROGRAM
    try:
        install_url(extensions().settings, merchant_id, programs[0].id)
    except DomainError as exc:
        if exc.code != "poster_app_not_configured":
            raise
        return POSTER_NOT_SET_UP
    return None


@console.get("/pos/poster/install")
@console_page()
def pos_poster_install() -> Response:
    """Off to Poster, to approve the app for the chosen program (the API's install link)."""
    merchant_id = _merchant_id()
    program_id = request.args.get("program_id", "")[:64]
    get_program(request_session(), merchant_id, program_id)
    return redirect(install_url(extensions().settings, merchant_id, program_id), code=303)


@console.post("/pos/serve")
@console_page()
def pos_connect_serve() -> Page:
    """Connect a Serve organization by its API login."""
    values = {name: request.form.get(name, "").strip() for name in SERVE_FIELDS}
    ext = extensions()
    try:
        body = ConnectionCreate(
            pos="serve",
            program_id=values["program_id"],
            organization_id=values["organization_id"],
            api_login=values["api_login"],
            api_base_url=values["api_base_url"] or None,
        )
        connection, shown = connections.create_connection(
            request_session(), ext.settings, ext.connectors["serve"], _merchant_id(), body
        )
    except (DomainError, ValidationError) as exc:
        errors = errors_of(exc, SERVE_FIELDS)
        if isinstance(exc, DomainError) and exc.code == "not_found":
            errors = FormErrors(fields={"program_id": "Choose one of your programs."})
        return _connections_page(errors, {**values, "api_login": ""}, _status_of(exc))
    forms = ConnectionForms(new_token=shown.get("webhook_token"))
    return _connection_page(connection.id, forms, 201)


def _merchant_id() -> str:
    return logged_in_user().merchant_id


def _status_of(exc: DomainError | ValidationError) -> int:
    """The status a refused form answers with: the API's for the error's code."""
    return STATUSES.get(exc.code, 422) if isinstance(exc, DomainError) else 422


# --- one connection ----------------------------------------------------------------------------


@console.get("/pos/connections/<connection_id>")
@console_page()
def pos_connection(connection_id: str) -> Page:
    """A connection: its health, webhook, locations map and promotion codes."""
    return _connection_page(connection_id, ConnectionForms())


def _connection_page(connection_id: str, forms: ConnectionForms, status: int = 200) -> Page:
    ext = extensions()
    session = request_session()
    merchant_id = _merchant_id()
    connection = connections.get_connection(session, merchant_id, connection_id)
    pos_name = POS_NAMES.get(connection.pos, connection.pos)
    promotions: list[Any] = []
    trouble = None
    try:
        promotions, stale = mapping.list_promotions(
            session, ext.settings, ext.connectors[connection.pos], merchant_id, connection_id
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        trouble = POS_TROUBLE.get(exc.code, POS_TROUBLE["pos_error"])
        trouble = trouble.format(pos=pos_name, detail=exc.detail)
        stale = None
    connection = connections.get_connection(session, merchant_id, connection_id)  # fresh status
    if stale is None:  # as the last sync found them
        stale = dict(connection.stale_codes or {})
    programs = _programs(merchant_id)
    places = places_of(connection_id, merchant_id, pos_name, request.args.get("refresh") == "1")
    typed = forms.locations
    if typed is None:
        typed = sorted((connection.locations or {}).items())
    page = render_template(
        "console/pos_connection.html",
        connection=connection,
        pos_name=pos_name,
        program_name=_program_name(connection, programs),
        webhook_url=connections.webhook_url(ext.settings, connection),
        registers_webhooks=isinstance(ext.connectors[connection.pos], RegistersWebhooks),
        reauth_help=REAUTH_HELP.get(connection.pos, ""),
        poster_unavailable=_poster_unavailable(merchant_id, programs),
        locations=forms.place_rows or places.rows(typed),
        places=places,
        stale_places=places.stale(list(connection.locations or {})),
        promotions=promotions,
        codes=forms.codes if forms.codes is not None else dict(connection.codes or {}),
        stale=stale,
        trouble=trouble,
        forms=forms,
        errors=forms.errors,
    )
    return page, status


def _program_name(connection: PosConnection, programs: list[Program]) -> str:
    return next((p.name for p in programs if p.id == connection.program_id), connection.program_id)


@console.post("/pos/connections/<connection_id>/locations")
@console_page()
def pos_save_locations(connection_id: str) -> Page:
    """Replace the locations map with the table's rows (empty rows are dropped)."""
    connection = connections.get_connection(request_session(), _merchant_id(), connection_id)
    places = places_of(connection.id, _merchant_id(), POS_NAMES.get(connection.pos, ""), False)
    shown = places.rows(_rows("spot", "location"))
    rows = [(row.spot, row.location) for row in shown]
    forms = ConnectionForms(
        errors=_duplicates(rows, "spot"), failed="locations", locations=rows, place_rows=shown
    )
    status = 422
    if not forms.errors:
        try:
            locations = LocationsBody.model_validate(dict(mapped_rows(shown))).root
            mapping.set_locations(
                request_session(), _merchant_id(), connection_id, locations, _opened_at()
            )
        except ValidationError as exc:
            forms.errors = _row_errors(exc, rows, "spot", "location")
        except DomainError as exc:  # changed meanwhile: the saved map is shown, not overwritten
            if exc.code == "not_found":
                raise
            forms.errors, forms.locations, forms.place_rows = errors_of(exc, ()), None, None
            status = _status_of(exc)
    if forms.errors:
        return _connection_page(connection_id, forms, status)
    flash("The locations map is saved.")
    return redirect(url_for("console.pos_connection", connection_id=connection_id), code=303)


@console.post("/pos/connections/<connection_id>/codes")
@console_page()
def pos_save_codes(connection_id: str) -> Page:
    """Replace the promotion-code map with the codes typed (an empty code maps nothing)."""
    ext = extensions()
    session = request_session()
    rows = _rows("promotion", "code")
    entered: dict[str, str] | None = dict(rows)
    errors, status = FormErrors(), 422
    try:
        codes = CodesBody.model_validate({key: code for key, code in rows if code}).root
        connection = connections.get_connection(session, _merchant_id(), connection_id)
        mapping.set_codes(
            session,
            ext.settings,
            ext.connectors[connection.pos],
            _merchant_id(),
            connection_id,
            codes,
            _opened_at(),
        )
    except ValidationError as exc:
        errors = _row_errors(exc, rows, "promotion", "code")
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        errors, status = errors_of(exc, ()), _status_of(exc)
        if exc.code == "conflict":  # changed meanwhile: the saved codes are shown
            entered = None
    if errors:
        forms = ConnectionForms(errors=errors, failed="codes", codes=entered)
        return _connection_page(connection_id, forms, status)
    flash("The promotion codes are saved.")
    return redirect(url_for("console.pos_connection", connection_id=connection_id), code=303)


@console.post("/pos/connections/<connection_id>/register-webhook")
@console_page()
def pos_register_webhook(connection_id: str) -> Page:
    """Write the gateway's webhook URL and token into the POS (Serve), then confirm it."""
    ext = extensions()
    session = request_session()
    connection = connections.get_connection(session, _merchant_id(), connection_id)
    pos_name = POS_NAMES.get(connection.pos, connection.pos)
    try:
        registered = registration.register_webhook(
            session, ext.settings, ext.connectors[connection.pos], _merchant_id(), connection_id
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        forms = ConnectionForms(errors=errors_of(exc, ()), failed="webhook")
        return _connection_page(connection_id, forms, _status_of(exc))
    flash(f"{pos_name} now sends its orders to {registered['webhook_url']}.")
    return redirect(url_for("console.pos_connection", connection_id=connection_id), code=303)


@console.post("/pos/connections/<connection_id>/api-login")
@console_page()
def pos_update_login(connection_id: str) -> Page:
    """Give a Serve connection its API login again; waiting orders resume."""
    ext = extensions()
    api_login = request.form.get("api_login", "").strip()
    try:
        body = ConnectionPatch(api_login=api_login)
        connections.update_connection(
            request_session(), ext.settings, ext.connectors, _merchant_id(), connection_id, body
        )
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, DomainError) and exc.code == "not_found":
            raise
        forms = ConnectionForms(errors=errors_of(exc, ("api_login",)), failed="login")
        return _connection_page(connection_id, forms, _status_of(exc))
    flash("The API login is saved: the connection works again.")
    return redirect(url_for("console.pos_connection", connection_id=connection_id), code=303)


def _opened_at() -> datetime | None:
    """The connection's ``updated_at`` the form was rendered with (its field ``seen``)."""
    try:
        return datetime.fromisoformat(request.form.get("seen", ""))
    except ValueError:
        return None


def _rows(key_field: str, value_field: str) -> list[tuple[str, str]]:
    """The rows of a map table as typed, without the rows left empty."""
    keys, values = request.form.getlist(key_field), request.form.getlist(value_field)
    rows = [(key.strip(), value.strip()) for key, value in zip(keys, values, strict=False)]
    return [(key, value) for key, value in rows if key or value][:2000]


def _duplicates(rows: list[tuple[str, str]], key_field: str) -> FormErrors:
    errors = FormErrors()
    seen: dict[str, int] = {}
    for index, (key, _value) in enumerate(rows):
        if key in seen:
            errors.fields[f"{key_field}-{index}"] = f"This id is already in row {seen[key] + 1}."
        seen.setdefault(key, index)
    return errors


def _row_errors(
    exc: ValidationError, rows: list[tuple[str, str]], key_field: str, value_field: str
) -> FormErrors:
    """The map schema's messages beside the cell of the row they are about."""
    row_of: dict[str, int] = {}
    for index, (key, _value) in enumerate(rows):
        row_of.setdefault(key, index)
    errors = FormErrors()
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        message = error["msg"].removeprefix("Value error, ")
        message = message[:1].upper() + message[1:]
        loc = error["loc"]
        if not loc or str(loc[0]) not in row_of:
            errors.general.append(message)
            continue
        cell = key_field if len(loc) > 1 and loc[1] == "[key]" else value_field
        errors.fields.setdefault(f"{cell}-{row_of[str(loc[0])]}", message)
    return errors
