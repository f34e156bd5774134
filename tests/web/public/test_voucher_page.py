"""The voucher page: code, pictures, validity; Use now for self-redeem vouchers, once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from gateway.models import Event
from tests.support.programs import DESSERT_VOUCHER, FREE_PIZZA
from tests.web.public.conftest import Shop, csrf_token, path_of
from webhooks.payloads import VoucherRedemptionRejectedData


def _use(browser: FlaskClient, voucher_path: str) -> tuple[int, str]:
    confirm = browser.get(f"{voucher_path}/use")
    assert confirm.status_code == 200
    used = browser.post(
        f"{voucher_path}/use", data={"csrf_token": csrf_token(confirm)}, follow_redirects=True
    )
    return used.status_code, used.get_data(as_text=True)


def test_a_voucher_answers_its_customer_link(shop: Shop) -> None:
    voucher = shop.voucher(shop.card())
    assert voucher["customer_url"].startswith("http://127.0.0.1:8000/v/")
    assert voucher["id"] not in voucher["customer_url"]
    assert (
        shop.call("GET", f"/v1/vouchers/{voucher['id']}")["customer_url"]
        == (voucher["customer_url"])
    )


def test_a_code_voucher_shows_its_code_qr_and_barcode_without_use_now(
    shop: Shop, browser: FlaskClient
) -> None:
    voucher = shop.voucher(shop.card(), FREE_PIZZA)
    path = path_of(voucher["customer_url"])
    html = browser.get(path).get_data(as_text=True)
    assert "FREEPIZZA9" in html
    assert "Give this code at the till" in html
    assert "Use now" not in html
    assert f'src="{path}/qr.svg"' in html
    assert f'src="{path}/barcode.svg"' in html
    assert "Valid until" in html
    qr = browser.get(f"{path}/qr.svg")
    assert (qr.status_code, qr.mimetype) == (200, "image/svg+xml")
    assert browser.get(f"{path}/barcode.svg").data.startswith(b"<?xml")


def test_a_staff_voucher_is_shown_to_staff_and_cannot_be_used_here(
    shop: Shop, browser: FlaskClient, app: Flask
) -> None:
    voucher = shop.voucher(shop.card(), DESSERT_VOUCHER)
    path = path_of(voucher["customer_url"])
    html = browser.get(path).get_data(as_text=True)
    assert "Show this to staff" in html
    assert "Use now" not in html
    assert browser.get(f"{path}/use").status_code == 302  # back to the voucher
    token = csrf_token(browser.get(path_of(shop.voucher(shop.card())["customer_url"]) + "/use"))
    refused = browser.post(f"{path}/use", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "cannot be used from this page" in refused.get_data(as_text=True)
    assert shop.call("GET", f"/v1/vouchers/{voucher['id']}")["status"] == "active"
    assert _rejections(app) == [("channel_not_allowed", voucher["id"], "self")]


def test_use_now_redeems_once_and_the_page_then_says_when(
    shop: Shop, browser: FlaskClient, app: Flask
) -> None:
    card = shop.card()
    voucher = shop.voucher(card)
    path = path_of(voucher["customer_url"])
    page = browser.get(path).get_data(as_text=True)
    assert "Use now" in page
    assert "Live screen" in page
    status, html = _use(browser, path)
    assert status == 200
    assert "Redeemed at" in html
    assert "Use now" not in html
    redeemed = shop.call("GET", f"/v1/vouchers/{voucher['id']}")
    assert redeemed["status"] == "redeemed"
    redemptions = shop.call("GET", "/v1/redemptions", query_string={"voucher": voucher["id"]})
    assert [item["channel"] for item in redemptions["items"]] == ["self"]
    # The confirm screen of a used voucher leads back; a second post is refused and announced.
    assert browser.get(f"{path}/use").status_code == 302
    again = browser.post(
        f"{path}/use",
        data={
            "csrf_token": csrf_token(
                browser.get(path_of(shop.voucher(card)["customer_url"]) + "/use")
            )
        },
    )
    assert again.status_code == 409
    assert "This voucher was already used." in again.get_data(as_text=True)
    assert _rejections(app) == [("already_redeemed", voucher["id"], "self")]


def test_use_now_needs_the_pages_csrf_token(shop: Shop, browser: FlaskClient) -> None:
    voucher = shop.voucher(shop.card())
    path = path_of(voucher["customer_url"])
    browser.get(path)
    refused = browser.post(f"{path}/use", data={})
    assert refused.status_code == 400
    assert shop.call("GET", f"/v1/vouchers/{voucher['id']}")["status"] == "active"


def test_the_redeemed_time_is_the_merchants_and_in_the_pages_language(
    shop: Shop, browser: FlaskClient
) -> None:
    voucher = shop.voucher(shop.card())
    path = path_of(voucher["customer_url"])
    _use(browser, path)
    redeemed_at = shop.call("GET", f"/v1/vouchers/{voucher['id']}")["redeemed_at"]
    kyiv = datetime.fromisoformat(redeemed_at).astimezone(ZoneInfo("Europe/Kyiv"))
    english = browser.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"{kyiv:%-I}:{kyiv:%M}:{kyiv:%S}" in english
    japanese = browser.get(path, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    # Japanese times carry no leading zero on the hour (0:05:09, 9:05:09, 23:05:09)
    assert f"{kyiv.year}/{kyiv.month:02d}/{kyiv.day:02d} {kyiv.hour}:{kyiv:%M:%S}" in japanese


def test_unknown_voucher_links_and_pictures_answer_404(shop: Shop, browser: FlaskClient) -> None:
    voucher = shop.voucher(shop.card())
    for path in (
        f"/v/{voucher['id']}",
        "/v/AAAAAAAAAAAAAAAAAAAAAA",
        "/v/AAAAAAAAAAAAAAAAAAAAAA/qr.svg",
    ):
        assert browser.get(path).status_code == 404, path


def _rejections(app: Flask) -> list[tuple[str, str, str]]:
    with app.extensions["stampgate"].session_factory() as session:
        events = session.scalars(
            select(Event).where(Event.type == "voucher.redemption_rejected")
        ).all()
        for event in events:  # as the published schema of the event says
            VoucherRedemptionRejectedData.model_validate(event.data)
        return [(e.data["reason"], e.data["voucher_id"], e.data["channel"]) for e in events]


def test_a_voided_voucher_says_so_and_shows_no_code(shop: Shop, browser: FlaskClient) -> None:
    voucher = shop.voucher(shop.card(), FREE_PIZZA)
    shop.call("POST", f"/v1/vouchers/{voucher['id']}/void")
    path = path_of(voucher["customer_url"])
    html = browser.get(path).get_data(as_text=True)
    assert "Cancelled" in html
    assert "FREEPIZZA9" not in html
    assert "qr.svg" not in html


def test_a_rewards_picture_may_come_from_the_merchants_https_site(
    shop: Shop, browser: FlaskClient
) -> None:
    reward = {**FREE_PIZZA, "image_url": "https://cdn.example.com/pizza.png"}
    page = browser.get(path_of(shop.voucher(shop.card(), reward)["customer_url"]))
    assert 'src="https://cdn.example.com/pizza.png"' in page.get_data(as_text=True)
    policy = page.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https:" in policy
    assert "script-src 'self';" in policy
