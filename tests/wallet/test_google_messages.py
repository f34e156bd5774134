"""Campaign pushes on Google Wallet passes: a Wallet campaign message becomes addMessage with
TEXT_AND_NOTIFY, at most 3 notifying messages per pass in 24 hours (counted in the database;
beyond them TEXT, counted as not notified), and TEXT when Google answers a quota error."""

from __future__ import annotations

from flask import Flask

from gateway.campaigns.sending import Sender, drain_campaigns
from tests.support.fake_google_wallet import ISSUER_ID, FakeGoogleWallet
from tests.support.google_wallet import WalletWorld, wallet_world


def _campaign(world: WalletWorld, text: str) -> None:
    body = {
        "program_id": world.program_id,
        "name": text,
        "segment": {"kind": "all"},
        "push_text": text,
        "message_text": f"{text}: come by this week",
        "channels": ["wallet"],
    }
    world.call("POST", "/v1/campaigns", json=body)
    ext = world.app.extensions["stampgate"]
    drain_campaigns(Sender(ext.settings, ext.session_factory))


def _messages(google: FakeGoogleWallet) -> list[tuple[str, str]]:
    return [
        (call.body["message"]["header"], call.body["message"]["messageType"])
        for call in google.rest_calls("POST")
        if call.path.endswith("/addMessage") and call.body is not None
    ]


def test_three_messages_a_day_notify_and_the_rest_are_sent_as_text(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    card = world.card()
    world.work()
    for number in range(1, 5):
        _campaign(world, f"News {number}")
        world.work()
    assert _messages(google) == [
        ("News 1", "TEXT_AND_NOTIFY"),
        ("News 2", "TEXT_AND_NOTIFY"),
        ("News 3", "TEXT_AND_NOTIFY"),
        ("News 4", "TEXT"),
    ]
    stored = google.objects[f"loyaltyObject/{ISSUER_ID}.{card['id']}"]["messages"]
    assert [message["body"] for message in stored][-1] == "News 4: come by this week"
    messages = [job for job in world.jobs() if job.kind == "message"]
    assert [job.notified_at is not None for job in messages] == [True, True, True, False]
    assert "3 notifications in 24 h" in (messages[-1].reason or "")


def test_a_quota_error_from_google_falls_back_to_text(
    wallet_app: Flask, google: FakeGoogleWallet
) -> None:
    world = wallet_world(wallet_app, google)
    world.card()
    world.work()
    google.quota_errors = 1
    _campaign(world, "Quiet")
    world.work()
    assert _messages(google) == [("Quiet", "TEXT_AND_NOTIFY"), ("Quiet", "TEXT")]
    (job,) = [job for job in world.jobs() if job.kind == "message"]
    assert (job.status, job.notified_at) == ("done", None)
    assert "RESOURCE_EXHAUSTED" in (job.reason or "")
