"""A fake Google Wallet: a real HTTP server answering like the Wallet REST API (classes,
objects, addMessage, Google's error shape) and like Google's OAuth token endpoint (the JWT
bearer grant of a service account), with a test service account and its RSA key."""

from __future__ import annotations

import functools
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.http_server import reply_json, serving

ISSUER_ID = "3388000000022222228"
CLIENT_EMAIL = "wallet@cafe-test.iam.gserviceaccount.com"
KEY_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
# Google's token endpoint wants this audience in the assertion, wherever it is posted.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
RESOURCES = ("loyaltyClass", "loyaltyObject", "offerClass", "offerObject")


@functools.cache
def account_key() -> rsa.RSAPrivateKey:
    """The test service account's RSA key (made once per test run)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem() -> str:
    """The test key as the PKCS#8 PEM a service-account JSON carries."""
    return (
        account_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def service_account(token_uri: str) -> dict[str, Any]:
    """A service-account JSON key file of the test account, its tokens from ``token_uri``."""
    return {
        "type": "service_account",
        "project_id": "cafe-test",
        "private_key_id": KEY_ID,
        "private_key": private_pem(),
        "client_email": CLIENT_EMAIL,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    }


@dataclass
class Call:
    """One REST call the fake received."""

    method: str
    path: str
    body: dict[str, Any] | None
    at: float


@dataclass
class FakeGoogleWallet:
    """What the fake holds and saw; tests script its answers."""

    port: int = 0
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    tokens_issued: int = 0
    # The next this many REST calls answer 429 RESOURCE_EXHAUSTED.
    quota_errors: int = 0
    # The next this many REST calls answer 400 INVALID_ARGUMENT (a body Google refuses).
    refusals: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_url(self) -> str:
        """What ``STAMPGATE_GOOGLE_WALLET_API_URL`` points at."""
        return f"http://127.0.0.1:{self.port}/walletobjects/v1"

    @property
    def token_uri(self) -> str:
        """The token endpoint the test service account names."""
        return f"http://127.0.0.1:{self.port}/token"

    def service_account(self) -> dict[str, Any]:
        """The test service account, its tokens from this fake."""
        return service_account(self.token_uri)

    def rest_calls(self, method: str | None = None, resource: str | None = None) -> list[Call]:
        """The calls to the Wallet API, narrowed by method and resource name."""
        with self.lock:
            calls = list(self.calls)
        return [
            call
            for call in calls
            if (method is None or call.method == method)
            and (resource is None or call.path.split("/")[3] == resource)
        ]


def _error(handler: BaseHTTPRequestHandler, status: int, reason: str, message: str) -> None:
    reply_json(handler, status, _problem(status, reason, message))


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGoogleWallet
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: Any) -> None:  # quiet test output
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self) -> None:
        if self.path == "/token":
            self._token(self._body())
        else:
            self._rest("POST")

    def do_PUT(self) -> None:
        self._rest("PUT")

    def do_PATCH(self) -> None:
        self._rest("PATCH")

    def _token(self, raw: bytes) -> None:
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            _error(self, 400, "INVALID_ARGUMENT", "unsupported_grant_type")
            return
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                account_key().public_key(),
                algorithms=["RS256"],
                audience=GOOGLE_TOKEN_AUDIENCE,
            )
        except jwt.InvalidTokenError as exc:
            _error(self, 400, "INVALID_ARGUMENT", f"invalid_grant: {exc}")
            return
        if claims.get("iss") != CLIENT_EMAIL or SCOPE not in claims.get("scope", ""):
            _error(self, 400, "INVALID_ARGUMENT", "invalid_scope")
            return
        with self.fake.lock:
            self.fake.tokens_issued += 1
            token = f"ya29.test-{self.fake.tokens_issued}"
        reply_json(self, 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _rest(self, method: str) -> None:
        raw = self._body()
        body = json.loads(raw) if raw else None
        fake = self.fake
        with fake.lock:
            fake.calls.append(Call(method, self.path, body, time.monotonic()))
            authorized = self.headers.get("Authorization", "").startswith("Bearer ya29.test-")
            quota = fake.quota_errors > 0
            if quota:
                fake.quota_errors -= 1
            refused = not quota and fake.refusals > 0
            if refused:
                fake.refusals -= 1
        if refused:
            _error(self, 400, "INVALID_ARGUMENT", "Invalid loyaltyPoints.label.")
        elif not authorized:
            _error(self, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        elif quota:
            _error(self, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests'.")
        else:
            status, answer = self._apply(method, self.path.split("/")[3:], body or {})
            reply_json(self, status, answer)

    def _apply(
        self, method: str, parts: list[str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        fake = self.fake
        resource = parts[0] if parts else ""
        if resource not in RESOURCES:
            return 404, _problem(404, "NOT_FOUND", "Not Found")
        with fake.lock:
            if method == "POST" and len(parts) == 1:
                key = f"{resource}/{body.get('id')}"
                if key in fake.objects:
                    return 409, _problem(409, "ALREADY_EXISTS", f"{key} already exists")
                fake.objects[key] = body
                return 200, body
            key = f"{resource}/{parts[1] if len(parts) > 1 else ''}"
            if key not in fake.objects:
                return 404, _problem(404, "NOT_FOUND", f"{key} not found")
            if len(parts) == 3 and parts[2] == "addMessage":
                stored = fake.objects[key]
                stored.setdefault("messages", []).append(body["message"])
                return 200, {"resource": stored}
            fake.objects[key] = body if method == "PUT" else {**fake.objects[key], **body}
            return 200, fake.objects[key]


def _problem(status: int, reason: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": reason}}


@contextmanager
def running_google_wallet() -> Iterator[FakeGoogleWallet]:
    """A fake Google Wallet on a free port for the duration of the block."""
    fake = FakeGoogleWallet()
    handler = type("GoogleWalletHandler", (_Handler,), {"fake": fake})
    with serving(handler) as port:
        fake.port = port
        yield fake
