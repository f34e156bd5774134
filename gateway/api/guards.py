"""Request guards the API blueprints run before their views: auth, JSON bodies, idempotency."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, request
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from werkzeug.exceptions import BadRequest

from gateway.api import idempotency
from gateway.api.openapi_docs import ADMIN_SECURITY, MERCHANT_SECURITY, operation_id
from gateway.api.session import request_session
from gateway.audit.recorder import AuditContext, bind
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.tenancy.countries import set_phone_country
from gateway.tenancy.service import authenticate_recent, get_merchant

ADMIN_SCOPE = "admin"
CSV_CONTENT_TYPE = "text/csv"
ViewT = TypeVar("ViewT", bound=Callable[..., Any])
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_CHANGING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise DomainError(
            "unauthorized",
            "Send 'Authorization: Bearer <api key>'.",
        )
    return token.strip()


def require_merchant() -> None:
    """Authenticate an API key; the merchant it belongs to scopes everything that follows."""
    key = authenticate_recent(request_session, _bearer_token())
    if key is None:
        raise DomainError("unauthorized", "The API key is unknown or revoked.")
    g.merchant_id = key.merchant_id
    # Bodies and queries are validated after this: their phones read the merchant's country.
    set_phone_country(_merchant_country)
    record_changes_as("api_key", key.id)
    g.api_key_id = key.id


def _merchant_country() -> str | None:
    # Held on g: the session keeps a weak reference only, and the view reads it again.
    g.merchant = get_merchant(request_session(), current_merchant_id())
    country: str | None = g.merchant.country
    return country


def require_admin() -> None:
    """Check the admin token in constant time; the admin API is off until one is configured."""
    expected = extensions().settings.admin_token
    if not expected:
        raise DomainError("admin_disabled", "Set STAMPGATE_ADMIN_TOKEN to use the admin API.")
    if not hmac.compare_digest(_bearer_token().encode(), expected.encode()):
        raise DomainError("unauthorized", "The admin token is wrong.")
    g.merchant_id = None
    record_changes_as("admin", None)


def record_changes_as(actor_kind: str, actor_id: str | None) -> None:
    """Changes made by this request go to the audit log under this actor (reads record none)."""
    if request.method not in _CHANGING_METHODS:
        return
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    template = _RULE_ARGUMENT.sub(r"{\g<1>}", rule)  # the path as OpenAPI writes it
    context = AuditContext(
        actor_kind=actor_kind,
        actor_id=actor_id,
        operation=f"{request.method} {template}",
        remote_addr=request.remote_addr,
        request_id=g.get("request_id"),
    )
    bind(request_session(), context)


def accepts_csv(view: ViewT) -> ViewT:
    """Mark a view that also takes a ``text/csv`` body (it parses the body itself)."""
    view.accepts_csv = True  # type: ignore[attr-defined]
    return view


def require_json_body() -> None:
    """A body must be JSON and parse; anything else is refused before validation."""
    if request.method not in _BODY_METHODS or not _has_body():
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if request.mimetype == CSV_CONTENT_TYPE and getattr(view, "accepts_csv", False):
        return
    if not request.is_json:
        raise DomainError("unsupported_media_type", "Send the body as application/json.")
    try:
        request.get_json()
    except BadRequest as exc:
        raise DomainError("malformed_json", "The request body is not valid JSON.") from exc


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"


def current_merchant_id() -> str:
    """The authenticated merchant of this request."""
    merchant_id: str = g.merchant_id
    return merchant_id


def begin_idempotent() -> Response | None:
    """Claim the Idempotency-Key under the caller's scope (its merchant, or admin)."""
    return idempotency.begin(g.get("merchant_id") or ADMIN_SCOPE)


def merchant_blueprint(name: str, import_name: str, tag: Tag) -> APIBlueprint:
    """A ``/v1`` blueprint: API key auth, JSON bodies, Idempotency-Key on every POST."""
    return _guarded(name, import_name, tag, "/v1", MERCHANT_SECURITY, require_merchant)


def admin_blueprint(name: str, import_name: str, tag: Tag) -> APIBlueprint:
    """An ``/admin/v1`` blueprint: admin token, JSON bodies, Idempotency-Key on every POST."""
    return _guarded(name, import_name, tag, "/admin/v1", ADMIN_SECURITY, require_admin)


def _guarded(
    name: str,
    import_name: str,
    tag: Tag,
    prefix: str,
    security: list[dict[str, list[str]]],
    authenticate_caller: Callable[[], None],
) -> APIBlueprint:
    # What these guards answer is documented for each operation by gateway/api/problem_docs.py.
    blueprint = APIBlueprint(
        name,
        import_name,
        url_prefix=prefix,
        abp_tags=[tag],
        abp_security=security,
        operation_id_callback=operation_id,
    )
    blueprint.before_request(authenticate_caller)
    blueprint.before_request(require_json_body)
    blueprint.before_request(begin_idempotent)
    blueprint.after_request(idempotency.finish)
    blueprint.teardown_request(_forget_phone_country)
    return blueprint


def _forget_phone_country(_exc: BaseException | None) -> None:
    # A thread serves other requests next: none of them may read this merchant's country.
    set_phone_country(None)
