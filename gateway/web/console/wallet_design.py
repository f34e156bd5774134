"""Settings, Wallet, card design: a program's pass colours, labels and PNG images (a file
left empty keeps the image the design has)."""

from __future__ import annotations

import base64
from typing import Any

from flask import flash, redirect, request, url_for
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.wallet.design import service as designs
from gateway.wallet.design.images import MAX_PNG_BYTES, RULES
from gateway.wallet.design.schemas import DesignIn
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.wallet import wallet_page
from gateway.web.forms import errors_of

DESIGN_FIELDS = (*designs.TEXT_FIELDS, *RULES)


def _design_form(program_id: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        field: request.form.get(field, "").strip() or None for field in designs.TEXT_FIELDS
    }
    current = designs.find_design(request_session(), program_id)
    for field in RULES:
        upload = request.files.get(field)
        data = upload.read(MAX_PNG_BYTES + 1) if upload is not None and upload.filename else None
        if data is None and current is not None:
            data = getattr(current, field)
        values[field] = base64.b64encode(data).decode() if data else None
    return values


@console.post("/settings/wallet/design")
@console_page("owner")
def save_wallet_design() -> Page:
    """Save a program's card design (the API's checks, shown beside the form)."""
    merchant_id = logged_in_user().merchant_id
    program_id = request.form.get("program_id", "")
    try:
        body = DesignIn.model_validate(_design_form(program_id))
        designs.save_design(request_session(), merchant_id, program_id, body)
    except (DomainError, ValidationError) as exc:
        return wallet_page(errors_of(exc, DESIGN_FIELDS), status=422)
    flash("The card design is saved.")
    return redirect(url_for("console.wallet_settings"))
