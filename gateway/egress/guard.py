"""The check every merchant-given outbound URL passes when it is saved: a webhook endpoint,
a POS connection's ``api_base_url``."""

from __future__ import annotations

from gateway.config import Settings
from gateway.egress.ssrf import UrlNotAllowed, check_url
from gateway.errors import DomainError


def allowed_url(settings: Settings, url: str, refusal: str) -> str:
    """``url`` when the configured networks and the https rule allow it.

    Otherwise ``url_not_allowed``, its detail the ``refusal``, the reason and, when a setting
    would allow the URL, which one.
    """
    try:
        check_url(url, settings.webhook_allowed_networks, settings.webhook_require_https)
    except UrlNotAllowed as exc:
        detail = f"{refusal}: {exc.reason}."
        if exc.allowed_by is not None:
            detail += f" To allow it, an operator can {exc.allowed_by}."
        raise DomainError("url_not_allowed", detail) from exc
    return url
