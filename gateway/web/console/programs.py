"""Programs: the list, and the editor (rules, final reward, milestones, lottery variants)."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.loyalty.codes.pools import list_pools
from gateway.loyalty.programs import service
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.schemas import ProgramCreate, ProgramPatch
from gateway.loyalty.programs.warnings import ProgramWarning
from gateway.money import minor_unit_exponent
from gateway.pagination import PageQuery
from gateway.tenancy.service import get_merchant
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.catalog_choices import picker
from gateway.web.console.program_form import (
    body_from_form,
    field_of,
    form_from_program,
    form_values,
    rows,
)
from gateway.web.forms import FormErrors, validation_errors

NEW_PROGRAM = {
    "name": "",
    "stamps_goal": 9,
    "reward": {"type": "award", "description": ""},
    "milestones": [],
    "rules": [{"kind": "per_sale", "stamps": 1}],
    "stampless_when_redeeming": True,
    "auto_enroll": True,
}


@console.get("/programs")
@console_page()
def programs() -> Page:
    """The merchant's programs."""
    page = service.list_programs(request_session(), _merchant_id(), PageQuery(limit=500))
    return render_template("console/programs.html", programs=page.items)


@console.get("/programs/new")
@console_page()
def programs_new() -> Page:
    """An empty editor (a 9-stamp card with one stamp per sale to start from)."""
    return _editor(None, form_from_program(NEW_PROGRAM, _exponent()), FormErrors())


@console.post("/programs/new")
@console_page()
def programs_create() -> Page:
    """Create the program from the editor."""
    values = form_values(request.form.items(multi=True))
    session = request_session()
    try:
        body = ProgramCreate.model_validate(
            {**body_from_form(values, _exponent()), "is_default": _default_choice(values)}
        )
        result = service.create_program(session, _merchant_id(), body, dry_run=_checking(values))
    except (ValidationError, DomainError) as exc:
        return _editor(None, values, _errors(exc), 422)
    if _checking(values):
        return _editor(None, values, FormErrors(), warnings=result.warnings)
    _flash_saved(result.program, result.warnings)
    return redirect(url_for("console.programs_edit", program_id=result.program.id))


@console.get("/programs/<program_id>")
@console_page()
def programs_edit(program_id: str) -> Page:
    """The editor of one program."""
    program = service.get_program(request_session(), _merchant_id(), program_id)
    fields = {name: getattr(program, name) for name in NEW_PROGRAM}
    values = form_from_program(fields, _exponent())
    values["is_default"] = "on" if program.is_default else ""
    return _editor(program, values, FormErrors())


@console.post("/programs/<program_id>")
@console_page()
def programs_update(program_id: str) -> Page:
    """Save the editor; refused when the program changed since the editor was opened."""
    session = request_session()
    program = service.get_program(session, _merchant_id(), program_id)
    values = form_values(request.form.items(multi=True))
    try:
        patch = ProgramPatch.model_validate(
            {**body_from_form(values, _exponent()), "is_default": _default_choice(values)}
        )
        result = service.update_program(
            session,
            _merchant_id(),
            program_id,
            patch,
            _seen_version(values),
            dry_run=_checking(values),
        )
    except (ValidationError, DomainError) as exc:
        status = 409 if isinstance(exc, DomainError) and exc.code == "conflict" else 422
        return _editor(program, values, _errors(exc), status)
    if _checking(values):
        return _editor(program, values, FormErrors(), warnings=result.warnings)
    _flash_saved(result.program, result.warnings)
    return redirect(url_for("console.programs_edit", program_id=program_id))


def _editor(
    program: Program | None,
    values: dict[str, str],
    errors: FormErrors,
    status: int = 200,
    warnings: list[ProgramWarning] | None = None,
) -> tuple[str, int]:
    page = render_template(
        "console/program_form.html",
        program=program,
        values=values,
        errors=errors,
        pools_options=pool_options(),
        warnings=warnings,
        currency=_currency(),
        rows=rows,
        picker=picker(),
    )
    return page, status


def _checking(values: dict[str, str]) -> bool:
    return values.get("intent") == "check"


def pool_options() -> list[tuple[str, str]]:
    """The merchant's code pools, as a select offers them."""
    pools = list_pools(request_session(), _merchant_id(), PageQuery(limit=500)).items
    return [(pool.id, pool.name) for pool in pools]


def _default_choice(values: dict[str, str]) -> bool | None:
    # A new program left unticked still becomes the default when it is the first one.
    if values.get("is_default") == "on":
        return True
    return False if values.get("is_default_shown") else None


def _seen_version(values: dict[str, str]) -> datetime | None:
    try:
        return datetime.fromisoformat(values.get("version", ""))
    except ValueError:
        return None


def _errors(exc: ValidationError | DomainError) -> FormErrors:
    if isinstance(exc, DomainError):
        return FormErrors(general=[exc.detail])
    return validation_errors(exc, field_of, known=None)


def _flash_saved(program: Program, warnings: list[ProgramWarning]) -> None:
    flash(f"“{program.name}” is saved.")
    for warning in warnings:
        flash(f"Please check: {warning.detail}")


def _merchant_id() -> str:
    return logged_in_user().merchant_id


def _currency() -> str:
    return get_merchant(request_session(), _merchant_id()).currency


def _exponent() -> int:
    return minor_unit_exponent(_currency())
