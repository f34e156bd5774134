"""The HTTP client every connector uses: pooled, with timeouts, and retries on 5xx and drops."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from connectors.errors import PosRejected, PosUnavailable

RETRIED_STATUSES = (500, 502, 503, 504)


def pos_session(retries: int = 3, backoff: float = 0.5) -> requests.Session:
    """A pooled session that retries connection errors and 5xx answers with backoff.

    POS read calls are safe to repeat, POST included (Syrve reads through POST).
    """
    policy = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=None,
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=policy, pool_connections=8, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def send(
    session: requests.Session, method: str, url: str, timeout: float, **kwargs: Any
) -> requests.Response:
    """One call, its retries spent; a network failure or a lasting 5xx is ``PosUnavailable``."""
    try:
        response = session.request(method, url, timeout=(min(timeout, 5.0), timeout), **kwargs)
    except requests.RequestException as exc:
        raise PosUnavailable(f"{method} {_without_query(url)}: {type(exc).__name__}") from exc
    if response.status_code in RETRIED_STATUSES:
        raise PosUnavailable(
            f"{method} {_without_query(url)} answered HTTP {response.status_code}",
            retry_after=_retry_after(response),
        )
    return response


def json_object(response: requests.Response, what: str) -> dict[str, Any]:
    """The answer's JSON object; anything else is ``PosRejected``."""
    try:
        body = response.json()
    except ValueError:
        raise PosRejected(f"{what}: HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict):
        raise PosRejected(f"{what}: unexpected answer")
    return body


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _without_query(url: str) -> str:
    # Poster puts the access token in the query string: it must not reach logs or the API.
    return url.split("?", 1)[0]
