"""Calls to the Google Wallet REST API as a merchant's service account: an OAuth2 access
token from the account's token URI (JWT bearer grant, cached until it is about to expire),
and Google's error answers turned into one exception that says whether a retry may help."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

from gateway.wallet.google.accounts import ServiceAccount

if TYPE_CHECKING:
    from google.oauth2.service_account import Credentials

# google-auth (and pyca/cryptography under it) is imported by the first token, not by every
# web worker at start: it weighs megabytes in each, and only Google Wallet's jobs call Google.

SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
QUOTA_REASON = "RESOURCE_EXHAUSTED"
_tokens: dict[tuple[str, str, str], Credentials] = {}
_tokens_lock = threading.Lock()


@dataclass(eq=False)
class GoogleCallFailed(Exception):  # noqa: N818 - the outcome a job records
    """Google refused a call, or could not be reached (``status`` 0)."""

    status: int
    reason: str
    message: str

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status else "unreachable"
        return f"Google Wallet {where} {self.reason}: {self.message}"[:500]

    @property
    def quota(self) -> bool:
        """Over a quota (too many calls, or too many notifications of one pass)."""
        return self.status == 429 or self.reason == QUOTA_REASON

    @property
    def retryable(self) -> bool:
        """A later try may succeed: Google was away, busy or over a quota."""
        return self.status in (0, 408, 500, 502, 503, 504) or self.quota


class WalletClient:
    """The REST API at ``api_url``, authorised as one service account."""

    def __init__(
        self, http: requests.Session, api_url: str, account: ServiceAccount, timeout: float
    ) -> None:
        self._http = http
        self._api_url = api_url.rstrip("/")
        self._account = account
        self._timeout = timeout

    def insert(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /{resource}``: make a class or object."""
        return self._call("POST", f"/{resource}", body)

    def patch(self, resource: str, resource_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``PATCH /{resource}/{id}``: change the fields given, keep the rest (messages)."""
        return self._call("PATCH", f"/{resource}/{resource_id}", body)

    def add_message(self, resource_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """``POST /loyaltyObject/{id}/addMessage``."""
        return self._call("POST", f"/loyaltyObject/{resource_id}/addMessage", {"message": message})

    def _call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            response = self._http.request(
                method, self._api_url + path, json=body, headers=headers, timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise GoogleCallFailed(0, type(exc).__name__, "the Wallet API did not answer") from exc
        if response.status_code >= 300:
            raise _failure(response)
        answer: dict[str, Any] = response.json() if response.content else {}
        return answer

    def _token(self) -> str:
        account = self._account
        key = (account.token_uri, account.client_email, account.key_id)
        with _tokens_lock:
            credentials = _tokens.get(key)
            if credentials is None:
                credentials = _credentials(account)
                _tokens[key] = credentials
            if not credentials.valid:
                _refresh(credentials, self._http)
            token = credentials.token
        if not isinstance(token, str):
            raise GoogleCallFailed(401, "TOKEN", "the token endpoint answered no access token")
        return token


def _credentials(account: ServiceAccount) -> Credentials:
    from google.oauth2.service_account import Credentials

    info = account.info()
    made: Credentials = Credentials.from_service_account_info(info, scopes=[SCOPE])  # type: ignore[no-untyped-call]
    return made


def _refresh(credentials: Credentials, http: requests.Session) -> None:
    from google.auth.exceptions import GoogleAuthError, RefreshError
    from google.auth.transport.requests import Request

    try:
        credentials.refresh(Request(session=http))  # type: ignore[no-untyped-call]
    except RefreshError as exc:
        retryable = bool(getattr(exc, "retryable", False))
        raise GoogleCallFailed(503 if retryable else 401, "TOKEN", str(exc)[:300]) from exc
    except GoogleAuthError as exc:  # the token endpoint could not be reached
        raise GoogleCallFailed(0, "TOKEN", str(exc)[:300]) from exc


def _failure(response: requests.Response) -> GoogleCallFailed:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    if not isinstance(error, dict):
        error = {}
    reason = str(error.get("status") or response.reason or "")
    message = str(error.get("message") or response.text[:200])
    return GoogleCallFailed(response.status_code, reason, message)
