"""Save to Google Wallet links: a JWT signed RS256 with the merchant's service-account key
(``iss`` the account, ``aud`` google, ``typ`` savetowallet) naming the card's or voucher's
object by id only, so the link stays short. Signed links are kept an hour per process, so
lists of cards cost no signature each."""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cachetools import TTLCache
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.crypto import SecretUnreadable
from gateway.customer_links import public_base
from gateway.loyalty.cards.models import Card
from gateway.loyalty.vouchers.models import Voucher
from gateway.wallet.google.accounts import open_sealed
from gateway.wallet.google.enabled import has_google_wallet
from gateway.wallet.google.passes import object_id
from gateway.wallet.google.service import issuer_of

if TYPE_CHECKING:
    from google.auth import crypt

# google-auth (and pyca/cryptography under it) is imported by the first link signed, not by
# every web worker at start: it weighs megabytes in each, and most merchants sign no link.

SAVE_URL = "https://pay.google.com/gp/v/save/"
SAVE_LINKS_INFO = "google_save_links"
LINK_TTL_SECONDS = 3600
_links: TTLCache[tuple[str, str, str], str] = TTLCache(maxsize=50_000, ttl=LINK_TTL_SECONDS)
_links_lock = threading.Lock()


@dataclass(frozen=True)
class SaveLinks:
    """What signing links needs, carried in the sessions of an app (``session.info``)."""

    secret_key: str


def install_save_links(factory: sessionmaker[Session], settings: Settings) -> None:
    """Let the factory's sessions sign Save links (presenters have no app to ask)."""
    info = dict(factory.kw.get("info") or {})
    info[SAVE_LINKS_INFO] = SaveLinks(settings.secret_key)
    factory.configure(info=info)


def card_save_url(session: Session, card: Card) -> str | None:
    """The card's Save to Google Wallet link; None without (readable) Google credentials."""
    return _save_url(session, card.merchant_id, "loyaltyObjects", card.id)


def voucher_save_url(session: Session, voucher: Voucher) -> str | None:
    """The voucher's Save to Google Wallet link; None without (readable) Google credentials."""
    return _save_url(session, voucher.merchant_id, "offerObjects", voucher.id)


def _save_url(session: Session, merchant_id: str, kind: str, own_id: str) -> str | None:
    links = session.info.get(SAVE_LINKS_INFO)
    if not isinstance(links, SaveLinks) or not has_google_wallet(session, merchant_id):
        return None
    issuer = issuer_of(session, merchant_id)
    if issuer is None:
        return None
    key = (issuer.service_account, kind, own_id)
    with _links_lock:
        cached = _links.get(key)
    if cached is not None:
        return cached
    try:
        signer, client_email = _signer(links.secret_key, issuer.service_account)
    except SecretUnreadable:
        return None
    claims = {
        "iss": client_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(time.time()),
        "origins": [_origin(public_base(session))],
        "payload": {kind: [{"id": object_id(issuer.issuer_id, own_id)}]},
    }
    url = SAVE_URL + _signed(signer, claims)
    with _links_lock:
        _links[key] = url
    return url


@functools.lru_cache(maxsize=64)
def _signer(secret_key: str, sealed: str) -> tuple[crypt.Signer, str]:
    from google.auth import crypt

    account = open_sealed(secret_key, sealed)
    signer: crypt.Signer = crypt.RSASigner.from_service_account_info(account.info())  # type: ignore[no-untyped-call]
    return signer, account.client_email


def _signed(signer: crypt.Signer, claims: dict[str, object]) -> str:
    from google.auth import jwt

    signed: bytes = jwt.encode(signer, claims)  # type: ignore[no-untyped-call]
    return signed.decode()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
