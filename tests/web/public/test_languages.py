"""The customer pages in the customer's language: Accept-Language or the switcher."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.public.conftest import Shop, path_of


def test_the_card_page_speaks_japanese_and_korean(shop: Shop, browser: FlaskClient) -> None:
    card = shop.card()
    shop.stamp(card, 1)
    path = path_of(card["customer_url"])
    japanese = browser.get(path, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="ja">' in japanese
    assert "スタンプ 1 / 9" in japanese
    assert "あと2個のスタンプでAny regular coffee" in japanese
    assert "スタンプが1個押されました。" in japanese
    korean = browser.get(path, headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(as_text=True)
    assert "스탬프 2개 더 모으면 Any regular coffee" in korean


def test_the_switcher_keeps_the_chosen_language(shop: Shop, browser: FlaskClient) -> None:
    voucher = shop.voucher(shop.card())
    path = path_of(voucher["customer_url"])
    assert "今すぐ使う" in browser.get(f"{path}?lang=ja").get_data(as_text=True)
    confirm = browser.get(f"{path}/use", headers={"Accept-Language": "en"})
    assert "はい、今すぐ使います" in confirm.get_data(as_text=True)
    assert "Use now" in browser.get(f"{path}?lang=en").get_data(as_text=True)


def test_a_voucher_page_shows_its_validity_in_the_locales_format(
    shop: Shop, browser: FlaskClient
) -> None:
    reward = {
        "type": "voucher",
        "description": "Free cake",
        "redemption": "self",
        "validity": {"kind": "fixed_date", "date": "2099-01-31"},
    }
    path = path_of(shop.voucher(shop.card(), reward)["customer_url"])
    english = browser.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Valid until Jan 31, 2099" in english
    korean = browser.get(path, headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "2099. 1. 31." in korean
    assert "까지 유효" in korean
