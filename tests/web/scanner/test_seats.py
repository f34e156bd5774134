"""Staff seats: the owner creates them in the console, a device signs in once with the link and
stays signed in, revoking or signing out ends every device's session."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.support.console import Console, make_user
from tests.support.scanner import make_seat, signed_in_device

_LINK = re.compile(
    r'id="sign-in-link" class="mono" type="text" value="http://[^/]+(/scanner/sign-in/[^"]+)"'
)


def test_the_owner_creates_a_seat_whose_link_signs_one_device_in(
    app: Flask, owner_console: Console
) -> None:
    created = owner_console.submit(
        "/console/settings/seats",
        {"name": "Bar Counter", "location": "bar", "mode": "scanner", "repeat_seconds": "10"},
        "/console/settings/seats",
    )
    assert created.status_code == 201
    page = created.get_data(as_text=True)
    assert "<svg" in page  # the link's QR code, to scan with the device
    found = _LINK.search(page)
    assert found, page
    link = found.group(1)
    device = app.test_client()
    assert "Sign in as Bar Counter" in device.get(link).get_data(as_text=True)
    tablet = signed_in_device(device, link)
    home = tablet.get("/scanner/")
    assert home.status_code == 200
    assert "Bar Counter" in home.get_data(as_text=True)
    again = app.test_client().get(link)
    assert again.status_code == 404  # used once
    listed = owner_console.get("/console/settings/seats").get_data(as_text=True)
    assert "Bar Counter" in listed
    assert "Staff scanner" in listed
    assert "Bar Counter" not in owner_console.get("/console/settings").get_data(as_text=True)


def test_a_seat_name_is_checked_and_used_once(owner_console: Console) -> None:
    empty = owner_console.submit(
        "/console/settings/seats",
        {"name": "", "location": "bar", "mode": "scanner", "repeat_seconds": "10"},
        "/console/settings/seats",
    )
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.get_data(as_text=True)
    body = {"name": "Till", "location": "bar", "mode": "kiosk", "repeat_seconds": "5"}
    assert owner_console.submit("/console/settings/seats", body).status_code == 201
    twice = owner_console.submit("/console/settings/seats", body, "/console/settings/seats")
    assert twice.status_code == 422
    assert "A seat with this name exists" in twice.get_data(as_text=True)


def test_a_manager_sees_the_seats_but_only_the_owner_changes_them(
    app: Flask, client: Any, merchant: dict[str, Any]
) -> None:
    seat, _link = make_seat(app, merchant["id"])
    make_user(app, merchant["id"], "manager@cafe.example", "manager")
    manager = Console(client)
    manager.log_in("manager@cafe.example")
    assert "Bar Counter" in manager.get("/console/settings/seats").get_data(as_text=True)
    refused = manager.submit(f"/console/settings/seats/{seat.id}/revoke", {})
    assert refused.status_code == 403
    body = {"name": "Till", "location": "bar", "mode": "scanner", "repeat_seconds": "10"}
    assert manager.submit("/console/settings/seats", body).status_code == 403


def test_a_revoked_seat_is_sent_to_the_login_page(
    app: Flask, owner_console: Console, merchant: dict[str, Any]
) -> None:
    seat, link = make_seat(app, merchant["id"])
    tablet = signed_in_device(app.test_client(), link)
    assert tablet.get("/scanner/").status_code == 200
    fresh = owner_console.submit(
        f"/console/settings/seats/{seat.id}/link", {}, "/console/settings/seats"
    )
    unused = _LINK.search(fresh.get_data(as_text=True))
    assert unused
    revoked = owner_console.submit(
        f"/console/settings/seats/{seat.id}/revoke", {}, "/console/settings/seats"
    )
    assert revoked.status_code == 302
    sent = tablet.get("/scanner/")
    assert sent.status_code == 302
    assert sent.headers["Location"] == "/scanner/login"
    assert tablet.get("/scanner/cards/4000000000006").headers["Location"] == "/scanner/login"
    assert "Sign this device in" in tablet.get("/scanner/login").get_data(as_text=True)
    assert app.test_client().get(unused.group(1)).status_code == 404  # its open link too
    assert "<td>Bar Counter</td>" not in owner_console.get("/console/settings/seats").get_data(
        as_text=True
    )


def test_signing_the_devices_out_ends_every_session_and_a_new_link_works(
    app: Flask, owner_console: Console, merchant: dict[str, Any]
) -> None:
    seat, link = make_seat(app, merchant["id"])
    first = signed_in_device(app.test_client(), link)
    owner_console.submit(
        f"/console/settings/seats/{seat.id}/sign-out", {}, "/console/settings/seats"
    )
    assert first.get("/scanner/").headers["Location"] == "/scanner/login"
    fresh = owner_console.submit(
        f"/console/settings/seats/{seat.id}/link", {}, "/console/settings/seats"
    )
    found = _LINK.search(fresh.get_data(as_text=True))
    assert found
    second = signed_in_device(app.test_client(), found.group(1))
    assert second.get("/scanner/").status_code == 200


def test_the_owner_changes_a_seat_and_its_devices_follow(
    app: Flask, owner_console: Console, merchant: dict[str, Any]
) -> None:
    seat, link = make_seat(app, merchant["id"])
    tablet = signed_in_device(app.test_client(), link)
    form = owner_console.get(f"/console/settings/seats/{seat.id}").get_data(as_text=True)
    assert 'value="Bar Counter"' in form
    changed = {"name": "Kiosk Tablet", "location": "hall", "mode": "kiosk", "repeat_seconds": "30"}
    saved = owner_console.submit(f"/console/settings/seats/{seat.id}", changed)
    assert saved.status_code == 302
    listed = owner_console.get("/console/settings/seats").get_data(as_text=True)
    assert "<td>Kiosk Tablet</td>" in listed
    assert "<td>30 s</td>" in listed
    screen = tablet.get("/scanner/").get_data(as_text=True)
    assert "Scan your card to collect your stamp" in screen  # a kiosk now, still signed in
    bad = {**changed, "repeat_seconds": "-1"}
    refused = owner_console.submit(
        f"/console/settings/seats/{seat.id}", bad, f"/console/settings/seats/{seat.id}"
    )
    assert refused.status_code == 422
    assert 'id="repeat_seconds-error"' in refused.get_data(as_text=True)


def test_a_forged_link_is_a_plain_404(app: Flask) -> None:
    forged = app.test_client().get("/scanner/sign-in/not-a-token")
    assert forged.status_code == 404
    assert "Not found." in forged.get_data(as_text=True)


def test_another_merchants_seat_is_out_of_reach(
    app: Flask, owner_console: Console, other_merchant: dict[str, Any]
) -> None:
    theirs, link = make_seat(app, other_merchant["id"], name="Their till")
    assert owner_console.get(f"/console/settings/seats/{theirs.id}").status_code == 404
    owner_console.get("/console/settings/seats")
    for action in ("", "/link", "/sign-out", "/revoke"):
        answer = owner_console.submit(f"/console/settings/seats/{theirs.id}{action}", {"name": "x"})
        assert answer.status_code == 404, action
    assert signed_in_device(app.test_client(), link).get("/scanner/").status_code == 200


def test_a_form_without_its_csrf_token_is_refused(
    app: Flask, bar: Console, api: Any, merchant: dict[str, Any]
) -> None:
    from tests.support.codes import new_card

    number = new_card(api, merchant)
    refused = bar.client.post(f"/scanner/cards/{number}/stamps", data={"count": "1"})
    assert refused.status_code == 400
    assert "This form has expired" in refused.get_data(as_text=True)
    refused = bar.client.post("/scanner/auto/stamps", data={"number": number})
    assert refused.status_code == 400
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    assert card["stamps"] == 0


def test_one_browser_can_be_the_owners_console_and_a_seat(
    app: Flask, client: Any, owner: Any, merchant: dict[str, Any]
) -> None:
    _seat, link = make_seat(app, merchant["id"])
    both = signed_in_device(client, link)
    both.log_in(owner.email)
    assert both.get("/console/settings").status_code == 200
    assert both.get("/scanner/").status_code == 200
    both.submit("/console/logout", {}, "/console/settings")
    assert both.get("/scanner/").status_code == 200
    both.log_in(owner.email)
    both.submit("/scanner/sign-out", {}, "/scanner/")
    assert both.get("/scanner/").headers["Location"] == "/scanner/login"
    assert both.get("/console/settings").status_code == 200
