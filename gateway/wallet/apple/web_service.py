"""The PassKit web service under each pass's ``webServiceURL`` (``/wallet/apple``): phones
register and remove passes, ask which changed since a tag, download the latest version and
send their logs. Every pass route checks ``Authorization: ApplePass <token>``."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, request
from flask_limiter import Limiter

from gateway.api.session import request_session
from gateway.config import Settings
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.wallet.apple import registrations
from gateway.wallet.apple.package import CONTENT_TYPE
from gateway.wallet.apple.passes import pkpass_of_serial

log = logging.getLogger(__name__)
apple_web_service = Blueprint("apple_web_service", __name__, url_prefix="/wallet/apple/v1")
_REGISTRATION = "/devices/<device>/registrations/<pass_type_id>/<serial>"
_MAX_ID = 128
_MAX_LOGS = 20


def _checked(*parts: str) -> None:
    if any(not part or len(part) > _MAX_ID for part in parts):
        raise registrations.unauthorized()


def _authorized(pass_type_id: str, serial: str) -> Any:
    _checked(pass_type_id, serial)
    header = request.headers.get("Authorization", "")
    return registrations.authorized_pass(
        request_session(), extensions().settings, pass_type_id, serial, header
    )


def _push_token() -> str:
    body = request.get_json(silent=True)
    token = body.get("pushToken") if isinstance(body, dict) else None
    if not isinstance(token, str) or not 0 < len(token) <= 200:
        raise DomainError(
            "validation_error",
            "Send a JSON body with pushToken.",
            errors=[{"field": "pushToken", "message": "required, at most 200 characters"}],
        )
    return token


@apple_web_service.post(_REGISTRATION)
def register(device: str, pass_type_id: str, serial: str) -> Response:
    """A device keeps the pass: 201 the first time, 200 after that."""
    _checked(device)
    tracked = _authorized(pass_type_id, serial)
    created = registrations.register_device(request_session(), tracked, device, _push_token())
    return Response(status=201 if created else 200)


@apple_web_service.delete(_REGISTRATION)
def unregister(device: str, pass_type_id: str, serial: str) -> Response:
    """A device removed the pass."""
    _checked(device)
    registrations.unregister_device(request_session(), _authorized(pass_type_id, serial), device)
    return Response(status=200)


@apple_web_service.get("/devices/<device>/registrations/<pass_type_id>")
def updated(device: str, pass_type_id: str) -> Response | dict[str, Any]:
    """The device's passes changed since ``passesUpdatedSince``; 204 when none."""
    _checked(device, pass_type_id)
    since_text = request.args.get("passesUpdatedSince", "")
    since = int(since_text) if since_text.isdigit() and len(since_text) <= 19 else None
    found = registrations.updated_passes(request_session(), device, pass_type_id, since)
    if not found.serials:
        return Response(status=204)
    return {"serialNumbers": found.serials, "lastUpdated": str(found.last_updated)}


@apple_web_service.get("/passes/<pass_type_id>/<serial>")
def latest_pass(pass_type_id: str, serial: str) -> Response:
    """The pass as it stands now; 304 when it has not changed since ``If-Modified-Since``."""
    tracked = _authorized(pass_type_id, serial)
    since = request.if_modified_since
    if since is not None and tracked.updated_at.replace(microsecond=0) <= since:
        return Response(status=304)
    signed = pkpass_of_serial(request_session(), extensions().settings, serial)
    response = Response(signed.content, mimetype=CONTENT_TYPE)
    response.last_modified = signed.last_modified
    return response


@apple_web_service.post("/log")
def device_log() -> Response:
    """Messages a device reports about the web service (logged, a few lines at most)."""
    body = request.get_json(silent=True)
    logs = body.get("logs") if isinstance(body, dict) else None
    for line in logs[:_MAX_LOGS] if isinstance(logs, list) else []:
        log.info("wallet device log", extra={"line": str(line)[:500]})
    return Response(status=200)


def limit_apple_web_service(limiter: Limiter, settings: Settings) -> None:
    """Requests per address on the web service; wrong tokens (401) also count towards the
    application's limit on failed authentications."""
    limiter.shared_limit(settings.limit_apple_web_service, scope="apple-web-service")(
        apple_web_service
    )
