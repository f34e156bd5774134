"""Cards and vouchers kept in step with Google Wallet through the job queue: a loyalty class
per program and an object per card, an offer class and object per voucher; created once,
patched on change; quota errors retried; failures recorded with their reason."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.support.api import Api
from tests.support.fake_google_wallet import ISSUER_ID, FakeGoogleWallet
from tests.support.google_wallet import wallet_world
from tests.support.programs import DESSERT_VOUCHER, nine_stamp_card


def _paths(google: FakeGoogleWallet) -> list[str]:
    return [f"{call.method} {call.path.split('/')[3]}" for call in google.rest_calls()]


def test_a_card_gets_its_class_and_object_and_a_stamp_patches_only_the_object(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    card = world.card()
    world.work()
    assert _paths(google) == ["POST loyaltyClass", "POST loyaltyObject"]
    card_object = google.objects[f"loyaltyObject/{ISSUER_ID}.{card['id']}"]
    assert card_object["classId"] == f"{ISSUER_ID}.{world.program_id}"
    assert card_object["barcode"] == {
        "type": "QR_CODE",
        "value": card["number"],
        "alternateText": card["number"],
    }
    assert card_object["state"] == "ACTIVE"
    assert card_object["accountId"] == card["number"]
    assert card_object["loyaltyPoints"] == {"label": "Stamps", "balance": {"int": 0}}
    loyalty_class = google.objects[f"loyaltyClass/{ISSUER_ID}.{world.program_id}"]
    assert loyalty_class["issuerName"] == "Wallet Cafe"
    assert loyalty_class["programName"] == "Coffee card"
    assert loyalty_class["reviewStatus"] == "UNDER_REVIEW"
    google.calls.clear()
    world.stamp(card["number"], 2)
    world.work()
    assert _paths(google) == ["PATCH loyaltyObject"]  # the class did not change
    patched = google.rest_calls()[0].body
    assert patched is not None
    assert patched["loyaltyPoints"]["balance"] == {"int": 2}
    assert google.tokens_issued == 1  # the token is reused until it expires
    assert {job.status for job in world.jobs()} == {"done"}


def test_a_voucher_gets_an_offer_whose_state_follows_it(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    card = world.card()
    body = {"reward": DESSERT_VOUCHER, "card_number": card["number"], "reason": "goodwill"}
    voucher = world.call("POST", "/v1/vouchers", json=body)
    world.work()
    offer_id = f"{ISSUER_ID}.{voucher['id']}"
    assert google.objects[f"offerClass/{offer_id}"]["title"] == "A dessert"
    offer = google.objects[f"offerObject/{offer_id}"]
    assert (offer["state"], offer["classId"]) == ("ACTIVE", offer_id)
    assert offer["validTimeInterval"]["end"]["date"] == voucher["valid_until"]
    world.call("POST", f"/v1/vouchers/{voucher['id']}/void")
    google.calls.clear()
    world.work()
    assert _paths(google) == ["PATCH offerObject"]
    assert google.objects[f"offerObject/{offer_id}"]["state"] == "INACTIVE"


def test_what_google_has_already_is_patched_and_a_quota_error_is_retried(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    google.objects[f"loyaltyClass/{ISSUER_ID}.{world.program_id}"] = {"id": "made before"}
    google.quota_errors = 1
    world.card()
    world.work()  # the first call meets the quota error: the job waits for its retry
    (job,) = world.jobs()
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.reason is not None
    assert "429 RESOURCE_EXHAUSTED" in job.reason
    world.work()
    assert _paths(google) == [
        "POST loyaltyClass",  # 429
        "POST loyaltyClass",  # 409: it exists
        "PATCH loyaltyClass",
        "POST loyaltyObject",
    ]
    assert world.jobs()[0].status == "done"


def test_a_refused_body_fails_its_job_and_merchants_without_wallet_queue_nothing(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    google.refusals = 1
    world.card()
    world.work()
    (job,) = world.jobs()
    assert (job.status, job.attempts) == ("failed", 1)  # a retry would be refused again
    assert "400 INVALID_ARGUMENT" in (job.reason or "")
    (failed,) = world.call("GET", "/v1/wallet/google/jobs?status=failed")["items"]
    assert (failed["id"], failed["kind"], failed["reason"]) == (job.id, "card", job.reason)
    assert world.call("GET", "/v1/wallet/google/jobs?status=done")["items"] == []
    world.call("DELETE", "/v1/wallet/google")
    world.card()
    assert len(world.jobs()) == 1
    api = Api(wallet_app.test_client(), wallet_app.extensions["stampgate"].settings.admin_token)
    other: dict[str, Any] = api.create_merchant("No Wallet Cafe")
    program = api.call("POST", "/v1/programs", other["api_key"], json=nine_stamp_card())
    body = {"program_id": program.get_json()["id"]}
    number = api.call("POST", "/v1/cards", other["api_key"], json=body).get_json()["number"]
    api.call("POST", f"/v1/cards/{number}/stamps", other["api_key"], json={"count": 1})
    assert len(world.jobs()) == 1  # another merchant's stamps queue nothing


def test_credentials_for_a_new_issuer_queue_the_cards_and_vouchers_made_before(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    world.call("DELETE", "/v1/wallet/google")
    card = world.card()
    body = {"reward": DESSERT_VOUCHER, "card_number": card["number"], "reason": "goodwill"}
    voucher = world.call("POST", "/v1/vouchers", json=body)
    assert world.jobs() == []
    account = {"issuer_id": ISSUER_ID, "service_account": google.service_account()}
    world.call("PUT", "/v1/wallet/google", json=account)
    world.call("PUT", "/v1/wallet/google", json=account)  # the same issuer: nothing more
    assert sorted(job.kind for job in world.jobs()) == ["card", "voucher"]
    world.work()
    assert f"loyaltyObject/{ISSUER_ID}.{card['id']}" in google.objects
    assert f"offerObject/{ISSUER_ID}.{voucher['id']}" in google.objects
