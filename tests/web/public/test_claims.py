"""The receipt claim page: what a link is worth, its stamps for a phone once, refusals in plain
words, the plain 404 for unknown links, the QR code, and the limits."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from gateway.db import utcnow
from gateway.loyalty.claims.models import Claim
from tests.loyalty.vouchers.test_images import decode
from tests.support.api import Api
from tests.support.claims import make_program, unattributed_sale
from tests.support.events import event_data
from tests.support.sales import post_sale, sale_body

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PHONE = "+380501234567"


def _path(claim_url: str) -> str:
    return urlsplit(claim_url).path


def _open(client: FlaskClient, path: str, **kwargs: Any) -> tuple[int, str]:
    response = client.get(path, **kwargs)
    return response.status_code, response.get_data(as_text=True)


def _claim(client: FlaskClient, path: str, phone: str) -> tuple[int, str]:
    _, page = _open(client, path)
    token = _CSRF.search(page)
    assert token, page
    response = client.post(path, data={"phone": phone, "csrf_token": token.group(1)})
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def claim_path(api: Api, merchant: dict[str, Any]) -> str:
    """The path of a fresh receipt link worth 2 stamps."""
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    return _path(unattributed_sale(api, merchant)["claim_url"])


def test_a_receipt_gives_its_stamps_to_a_phone_once(
    app: Flask, client: FlaskClient, api: Api, merchant: dict[str, Any], claim_path: str
) -> None:
    status, page = _open(client, claim_path)
    assert status == 200
    assert "This link gives 2 stamps on your Coffee card." in page
    assert 'type="tel"' in page
    status, done = _claim(client, claim_path, "050 123 45 67")
    assert status == 200
    assert "2 stamps added" in done
    assert "ending in 67" in done
    cards = api.call("GET", f"/v1/cards?phone={PHONE}", merchant["api_key"]).get_json()["items"]
    assert [card["stamps"] for card in cards] == [2]
    status, again = _open(client, claim_path)
    assert status == 409
    assert "already been used" in again
    token = _CSRF.search(page)
    assert token is not None
    second = client.post(claim_path, data={"phone": PHONE, "csrf_token": token.group(1)})
    assert second.status_code == 409
    reasons = [event["reason"] for event in event_data(app, "claim.rejected")]
    assert reasons == ["already_claimed", "already_claimed"]


def test_a_wrong_phone_is_said_beside_the_field_and_nothing_is_written(
    app: Flask, client: FlaskClient, claim_path: str
) -> None:
    status, page = _claim(client, claim_path, "12")
    assert status == 422
    assert 'id="phone-error"' in page
    assert 'value="12"' in page
    assert event_data(app, "card.created") == []
    assert _open(client, claim_path)[0] == 200


def test_an_expired_link_answers_410_in_plain_words(
    app: Flask, client: FlaskClient, claim_path: str
) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        session.execute(update(Claim).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    status, page = _open(client, claim_path)
    assert status == 410
    assert "This link has expired" in page
    assert [event["reason"] for event in event_data(app, "claim.rejected")] == ["expired"]


def test_a_refunded_sale_is_refused(
    client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    sale = unattributed_sale(api, merchant)
    path = f"/v1/sales/{sale['id']}/refunds"
    api.call("POST", path, merchant["api_key"], json={"refund_id": "R-1"})
    status, page = _open(client, _path(sale["claim_url"]))
    assert status == 409
    assert "refunded" in page


def test_unknown_and_forged_links_answer_the_plain_404(client: FlaskClient) -> None:
    for path in ("/claim/" + "A" * 22, "/claim/nope", "/claim/" + "A" * 22 + "/qr.png"):
        status, page = _open(client, path)
        assert status == 404, path
        assert "This link does not lead to a page." in page


def test_the_qr_code_carries_the_link(
    client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    claim_url = unattributed_sale(api, merchant)["claim_url"]
    picture = client.get(_path(claim_url) + "/qr.png")
    assert picture.status_code == 200
    assert picture.mimetype == "image/png"
    assert decode(picture.get_data()) == (claim_url, "QRCode")


def test_a_phone_with_a_card_and_one_without_get_the_same_page(
    client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, rules=[{"kind": "per_sale", "stamps": 2}])
    known, unknown = "+380501111167", "+380502222267"
    for number in range(5):  # the known customer has 5 stamps already
        post_sale(api, merchant, sale_body(f"T-known-{number}", customer={"phone": known}))
    pages = []
    for transaction, phone in (("T-a", known), ("T-b", unknown)):
        path = _path(unattributed_sale(api, merchant, transaction)["claim_url"])
        status, page = _claim(client, path, phone)
        assert status == 200
        pages.append(re.sub(r'name="csrf_token" value="[^"]+"', "", page))
    assert pages[0] == pages[1]


def test_the_page_is_limited_per_link(make_app: Any, api: Api, merchant: dict[str, Any]) -> None:
    app = make_app(limit_public_pages_per_token="3/minute")
    local = Api(app.test_client(), api.admin_token)
    make_program(local, merchant)
    path = _path(unattributed_sale(local, merchant)["claim_url"])
    client = app.test_client()
    statuses = [client.get(path).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert client.get(path + "/qr.png").status_code == 429
    other = _path(unattributed_sale(local, merchant, "T-other")["claim_url"])
    assert client.get(other).status_code == 200


def test_the_page_reads_in_japanese(client: FlaskClient, claim_path: str) -> None:
    status, page = _open(client, claim_path, headers={"Accept-Language": "ja"})
    assert status == 200
    assert '<html lang="ja">' in page
    assert "このリンクで" in page
    assert "This link gives" not in page
