"""E-mail consent on cards: given at enrolment or later, withdrawn, given again, with its time
and source; a bad answer is refused whole."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

KIOSK = {"email": {"granted": True, "source": "kiosk"}}


def test_consent_is_recorded_at_enrolment_withdrawn_and_given_again(
    api: Api, merchant: dict[str, Any]
) -> None:
    key = merchant["api_key"]
    program = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()
    customer = {"email": "ann@example.com", "consent": KIOSK}
    card = api.call(
        "POST", "/v1/cards", key, json={"program_id": program["id"], "customer": customer}
    )
    assert card.status_code == 201, card.get_json()
    given = card.get_json()["customer"]["consent"]["email"]
    assert (given["status"], given["source"], given["unsubscribed_at"]) == (
        "opted_in",
        "kiosk",
        None,
    )
    assert given["opted_in_at"] is not None
    consent = f"/v1/cards/{card.get_json()['number']}/consent"
    withdraw = {"email": {"granted": False, "source": "phone call"}}
    withdrawn = api.call("POST", consent, key, json=withdraw).get_json()["customer"]["consent"]
    assert withdrawn["email"]["status"] == "unsubscribed"
    assert withdrawn["email"]["unsubscribed_at"] is not None
    unchanged = api.call("POST", consent, key, json={}).get_json()["customer"]["consent"]
    assert unchanged == withdrawn
    again = {"email": {"granted": True, "source": "signup form"}}
    regiven = api.call("POST", consent, key, json=again).get_json()["customer"]["consent"]["email"]
    assert (regiven["status"], regiven["source"], regiven["unsubscribed_at"]) == (
        "opted_in",
        "signup form",
        None,
    )
    assert regiven["opted_in_at"] > given["opted_in_at"]
    refused = api.call("POST", consent, key, json={"email": {"granted": True, "source": " "}})
    assert_problem(refused, 422, "validation_error")
    after = api.call("GET", consent.removesuffix("/consent"), key).get_json()["customer"]["consent"]
    assert after["email"] == regiven
