"""Abuse limits of the customer pages, and that a link shows its own customer's data only."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.support.api import Api
from tests.support.programs import FREE_PIZZA
from tests.web.public.conftest import Shop, path_of


def test_one_link_opened_too_often_is_limited_and_others_are_not(
    shop: Shop, make_app: Callable[..., Flask]
) -> None:
    card, other = shop.card(), shop.card()
    browser = make_app(limit_public_pages_per_token="3/minute").test_client()
    answers = [browser.get(path_of(card["customer_url"])).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = browser.get(path_of(card["customer_url"]))
    assert "Too many tries." in limited.get_data(as_text=True)
    assert int(limited.headers["Retry-After"]) > 0
    assert browser.get(path_of(other["customer_url"])).status_code == 200


def test_guessing_links_locks_the_address_out(shop: Shop, make_app: Callable[..., Flask]) -> None:
    card = shop.card()
    browser = make_app(limit_public_unknown_tokens="2/minute").test_client()
    guesses = [browser.get(f"/v/{'A' * 21}{letter}").status_code for letter in "ABC"]
    assert guesses == [404, 404, 429]
    assert browser.get(path_of(card["customer_url"])).status_code == 429


def test_every_page_is_limited_per_address(shop: Shop, make_app: Callable[..., Flask]) -> None:
    cards = [shop.card() for _ in range(3)]
    browser = make_app(limit_public_pages_per_address="2/minute").test_client()
    answers = [browser.get(path_of(card["customer_url"])).status_code for card in cards]
    assert answers == [200, 200, 429]


def test_a_card_page_shows_its_own_vouchers_only(
    shop: Shop, other_shop: Shop, make_app: Callable[..., Flask]
) -> None:
    mine, neighbour = shop.card(), shop.card()
    foreign = other_shop.card()
    shop.voucher(mine)
    shop.voucher(neighbour, {**FREE_PIZZA, "description": "Neighbour's pizza"})
    other_shop.voucher(foreign, {**FREE_PIZZA, "description": "Other cafe's pizza"})
    html = make_app().test_client().get(path_of(mine["customer_url"])).get_data(as_text=True)
    assert "Free cake" in html
    assert "Neighbour's pizza" not in html
    assert "Other cafe's pizza" not in html
    assert "Cafe Two" not in html
    assert mine["number"] in html  # the customer's own number, to give at the till
    assert neighbour["number"] not in html


def test_the_api_links_of_another_merchant_are_not_readable_by_id(
    api: Api, shop: Shop, other_shop: Shop
) -> None:
    voucher = shop.voucher(shop.card())
    foreign = api.call("GET", f"/v1/vouchers/{voucher['id']}", other_shop.merchant["api_key"])
    assert foreign.status_code == 404
    assert voucher["customer_url"] not in foreign.get_data(as_text=True)
