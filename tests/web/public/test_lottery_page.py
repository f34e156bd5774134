"""The lottery page: a pending spin of the card is played there (drawn on the server) once."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.public.conftest import Shop, csrf_token, path_of


def _spin_page(card: dict[str, object], spin_id: str) -> str:
    return f"{path_of(str(card['customer_url']))}/spins/{spin_id}"


def _play(browser: FlaskClient, page_path: str) -> str:
    page = browser.get(page_path)
    assert page.status_code == 200
    played = browser.post(page_path, data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert played.status_code == 200
    return played.get_data(as_text=True)


def test_a_won_voucher_opens_its_voucher_page(shop: Shop, browser: FlaskClient) -> None:
    card, spin_id = shop.spin(("voucher", "100"))
    page_path = _spin_page(card, spin_id)
    assert "Play" in browser.get(page_path).get_data(as_text=True)
    html = _play(browser, page_path)
    assert "You won: voucher slot." in html
    assert "revealing" in html
    spins = shop.call("GET", f"/v1/cards/{card['number']}/spins")["items"]
    assert [spin["status"] for spin in spins] == ["played"]
    vouchers = shop.call("GET", "/v1/vouchers", query_string={"card": card["number"]})["items"]
    assert f'href="{path_of(vouchers[0]["customer_url"])}"' in html
    # Opened again, the played spin shows its outcome, without the reveal and without Play.
    again = browser.get(page_path).get_data(as_text=True)
    assert "You won: voucher slot." in again
    assert "revealing" not in again
    assert 'type="submit"' not in again


def test_try_again_offers_the_next_spin(shop: Shop, browser: FlaskClient) -> None:
    card, spin_id = shop.spin(("try_again", "100"))
    html = _play(browser, _spin_page(card, spin_id))
    assert "Try again: you get another spin." in html
    pending = shop.call(
        "GET", f"/v1/cards/{card['number']}/spins", query_string={"status": "pending"}
    )["items"]
    assert len(pending) == 1
    assert f'href="{_spin_page(card, pending[0]["id"])}"' in html


def test_a_second_play_draws_nothing_more(shop: Shop, browser: FlaskClient) -> None:
    card, spin_id = shop.spin(("try_again", "100"))
    page_path = _spin_page(card, spin_id)
    token = csrf_token(browser.get(page_path))
    browser.post(page_path, data={"csrf_token": token})
    second = browser.post(page_path, data={"csrf_token": token}, follow_redirects=True)
    assert second.status_code == 200
    assert "Try again" in second.get_data(as_text=True)
    spins = shop.call("GET", f"/v1/cards/{card['number']}/spins")["items"]
    assert len(spins) == 2, "one play, one next spin"


def test_a_spin_of_another_card_is_not_found(
    shop: Shop, other_shop: Shop, browser: FlaskClient
) -> None:
    card, spin_id = shop.spin(("no_prize", "100"))
    other_card, other_spin = shop.spin(("no_prize", "100"))
    foreign_card, foreign_spin = other_shop.spin(("no_prize", "100"))
    for page_path in (
        _spin_page(card, other_spin),
        _spin_page(card, foreign_spin),
        _spin_page(foreign_card, spin_id),
        f"/c/AAAAAAAAAAAAAAAAAAAAAA/spins/{spin_id}",
    ):
        assert browser.get(page_path).status_code == 404, page_path
    token = csrf_token(browser.get(_spin_page(card, spin_id)))
    refused = browser.post(_spin_page(card, other_spin), data={"csrf_token": token})
    assert refused.status_code == 404
    pending = shop.call(
        "GET", f"/v1/cards/{other_card['number']}/spins", query_string={"status": "pending"}
    )["items"]
    assert [spin["id"] for spin in pending] == [other_spin]


def test_play_needs_the_pages_csrf_token(shop: Shop, browser: FlaskClient) -> None:
    card, spin_id = shop.spin(("no_prize", "100"))
    browser.get(_spin_page(card, spin_id))
    assert browser.post(_spin_page(card, spin_id), data={}).status_code == 400
    spins = shop.call("GET", f"/v1/cards/{card['number']}/spins")["items"]
    assert [spin["status"] for spin in spins] == ["pending"]
