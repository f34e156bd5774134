"""API keys: created (shown once) and revoked from the console."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.pagination import PageQuery
from gateway.tenancy import service as tenancy
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user


@console.get("/api-keys")
@console_page()
def api_keys() -> Page:
    """The merchant's API keys (never their secret part after creation)."""
    return _api_keys_page(new_key=None)


def _api_keys_page(new_key: str | None, status: int = 200) -> tuple[str, int]:
    page = tenancy.list_api_keys(
        request_session(), logged_in_user().merchant_id, PageQuery(limit=500)
    )
    return render_template("console/api_keys.html", keys=page.items, new_key=new_key), status


@console.post("/api-keys")
@console_page()
def api_keys_create() -> Page:
    """Create a key; its plaintext is shown on this answer only."""
    label = request.form.get("label", "").strip()[:200] or None
    issued = tenancy.create_api_key(request_session(), logged_in_user().merchant_id, label)
    return _api_keys_page(new_key=issued.plaintext, status=201)


@console.post("/api-keys/<key_id>/revoke")
@console_page()
def api_keys_revoke(key_id: str) -> Response:
    """Revoke a key at once."""
    key = tenancy.revoke_api_key(request_session(), logged_in_user().merchant_id, key_id)
    flash(f"The key {key.prefix}… is revoked.")
    return redirect(url_for("console.api_keys"))
