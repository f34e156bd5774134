"""The card page: a card link opens the customer's own card and nothing else."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from gateway.customer_links import looks_like_token
from gateway.models import Event
from tests.web.public.conftest import Shop, path_of


def test_a_card_answers_its_customer_link_which_carries_no_number(shop: Shop) -> None:
    card = shop.card()
    url = card["customer_url"]
    assert url.startswith("http://127.0.0.1:8000/c/")
    token = url.rsplit("/", 1)[1]
    assert looks_like_token(token)
    assert card["number"] not in url
    assert card["id"] not in url
    assert shop.call("GET", f"/v1/cards/{card['number']}")["customer_url"] == url
    assert shop.card()["customer_url"] != url


def test_the_card_page_shows_progress_the_next_reward_and_history(
    shop: Shop, browser: FlaskClient
) -> None:
    card = shop.card()
    shop.stamp(card, 2)
    page = browser.get(path_of(card["customer_url"]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Coffee card" in html
    assert "Cafe One" in html
    assert "2 of 9 stamps" in html
    assert html.count('class="slot filled') == 2
    assert "1 more stamp to Any regular coffee" in html
    assert "2 stamps added." in html
    assert "You joined the card." in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]


def test_the_card_page_lists_active_vouchers_and_pending_spins(
    shop: Shop, browser: FlaskClient
) -> None:
    card, spin_id = shop.spin(("no_prize", "100"))
    voucher = shop.voucher(card)
    html = browser.get(path_of(card["customer_url"])).get_data(as_text=True)
    assert f'href="{path_of(voucher["customer_url"])}"' in html
    assert f'href="{path_of(card["customer_url"])}/spins/{spin_id}"' in html
    assert "9 more stamps to a spin of Spin to win" in html  # the goal gives a spin
    assert "Free cake" in html


def test_the_next_reward_after_the_last_milestone_is_the_goal(
    shop: Shop, browser: FlaskClient
) -> None:
    card = shop.card()
    shop.stamp(card, 7)
    html = browser.get(path_of(card["customer_url"])).get_data(as_text=True)
    assert "2 more stamps to Free pizza" in html


def test_the_card_is_remembered_in_the_session(shop: Shop, browser: FlaskClient) -> None:
    card = shop.card()
    browser.get(path_of(card["customer_url"]))
    with browser.session_transaction() as session:
        assert session["card_token"] == card["customer_url"].rsplit("/", 1)[1]


def test_unknown_and_forged_card_links_answer_one_plain_404(
    shop: Shop, browser: FlaskClient, merchant: dict[str, Any]
) -> None:
    card = shop.card()
    token = card["customer_url"].rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    pages = [browser.get(f"/c/{value}") for value in (forged, card["number"], card["id"], "x")]
    assert {page.status_code for page in pages} == {404}
    bodies = {page.get_data(as_text=True) for page in pages}
    assert len(bodies) == 1, "every unknown link answers the same page"
    assert "This link does not lead to a page." in bodies.pop()


def test_the_events_of_a_new_card_and_voucher_carry_their_links(shop: Shop, app: Flask) -> None:
    card = shop.card()
    voucher = shop.voucher(card)
    with app.extensions["stampgate"].session_factory() as session:
        events = session.scalars(select(Event).where(Event.card_id == card["id"])).all()
        links = {event.type: event.data.get("customer_url") for event in events}
    assert links["card.created"] == card["customer_url"]
    assert links["voucher.issued"] == voucher["customer_url"]
    assert links["voucher.activated"] == voucher["customer_url"]
