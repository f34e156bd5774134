"""The customer's pages in a real browser at phone width: Use now on a voucher, a lottery spin
played on the card's lottery page, and a voucher's page in Japanese (then Korean)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.web.public.conftest import Shop, path_of

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(api: Api, merchant: dict[str, Any]) -> Shop:
    """The merchant ``Cafe One``."""
    return Shop(api, merchant)


def test_use_now_then_the_same_page_shows_the_voucher_used(
    page: Any, live_url: str, shop: Shop
) -> None:
    voucher = shop.voucher(shop.card())
    page.goto(live_url + path_of(voucher["customer_url"]))
    clock = page.locator("[data-clock]")
    first = clock.inner_text()
    page.wait_for_function(
        "shown => document.querySelector('[data-clock]').textContent !== shown", arg=first
    )  # the clock of a live screen moves on
    assert page.locator(".live-dot").evaluate("dot => dot.getAnimations().length") == 1
    page.get_by_role("link", name="Use now").click()
    page.get_by_role("heading", name="Use Free cake now?").wait_for()
    page.get_by_role("button", name="Yes, use it now").click()
    page.get_by_test_id("redeemed-at").wait_for()
    assert page.url == live_url + path_of(voucher["customer_url"])
    assert page.get_by_role("link", name="Use now").count() == 0
    page.reload()
    assert page.get_by_test_id("status").inner_text() == "Used"
    assert page.get_by_test_id("redeemed-at").inner_text().startswith("Redeemed at ")
    assert shop.call("GET", f"/v1/vouchers/{voucher['id']}")["status"] == "redeemed"
    assert page.console_errors == []


def test_a_lottery_is_played_on_the_cards_lottery_page(
    page: Any, live_url: str, shop: Shop
) -> None:
    card, _spin = shop.spin(("voucher", "100"))
    page.goto(live_url + path_of(card["customer_url"]))
    page.get_by_role("link", name="Play Spin to win").click()
    page.get_by_role("button", name="Play").click()
    outcome = page.get_by_test_id("outcome")
    outcome.get_by_text("You won: voucher slot.").wait_for()
    page.wait_for_function("() => document.activeElement?.dataset.testid === 'outcome'")
    page.get_by_role("link", name="Open your voucher").click()
    page.get_by_role("heading", name="A dessert").wait_for()
    page.get_by_role("heading", name="Show this to staff").wait_for()
    assert page.console_errors == []


def test_a_voucher_page_in_japanese_then_korean(browser: Any, live_url: str, shop: Shop) -> None:
    voucher = shop.voucher(shop.card())
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(live_url + path_of(voucher["customer_url"]))
        assert page.locator("html").get_attribute("lang") == "ja"
        page.get_by_role("link", name="今すぐ使う").wait_for()
        assert "有効" in page.locator("main").inner_text()
        page.get_by_role("link", name="한국어").click()
        page.get_by_role("link", name="지금 사용").wait_for()
        page.get_by_role("link", name="지금 사용").click()
        page.get_by_role("button", name="네, 지금 사용합니다").wait_for()
    finally:
        context.close()
