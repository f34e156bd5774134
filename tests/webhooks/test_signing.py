"""Signing: every signature verifies with the independent ``standardwebhooks`` verifier."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook, WebhookVerificationError

from webhooks.signing import envelope, headers, new_secret, secret_key, sign

# The Standard Webhooks spec's own example: a known answer, not just a round trip.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _body() -> bytes:
    data = {"voucher_id": "vch_1", "card_number": "123456789012", "description": "Café crème"}
    return envelope("evt_1", "voucher.redeemed", "2026-11-22T10:00:00Z", "mer_1", data)


def _now() -> int:
    # The verifier refuses timestamps more than five minutes away from its clock.
    return int(time.time())


def test_the_spec_example_signs_to_its_published_signature() -> None:
    body = b'{"test": 2432232314}'
    assert sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, [SPEC_SECRET]) == SPEC_SIGNATURE


def test_a_delivery_verifies_with_standardwebhooks() -> None:
    secret, body = new_secret(), _body()
    sent = headers("evt_1", _now(), body, [secret])
    assert Webhook(secret).verify(body, sent) == json.loads(body)


def test_headers_are_the_standard_ones() -> None:
    timestamp, body = _now(), _body()
    sent = headers("msg_1", timestamp, body, [new_secret()])
    assert set(sent) == {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"}
    assert sent["webhook-id"] == "msg_1"
    assert sent["webhook-timestamp"] == str(timestamp)
    assert sent["content-type"] == "application/json"
    version, signature = sent["webhook-signature"].split(",")
    assert version == "v1"
    assert len(base64.b64decode(signature, validate=True)) == 32


def test_during_rotation_either_secret_alone_verifies() -> None:
    new, old, body = new_secret(), new_secret(), _body()
    sent = headers("evt_1", _now(), body, [new, old])
    signatures = sent["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(part.startswith("v1,") for part in signatures)
    assert signatures[0] == sign("evt_1", int(sent["webhook-timestamp"]), body, [new])
    for secret in (new, old):
        assert Webhook(secret).verify(body, sent) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, sent)


@pytest.mark.parametrize(
    ("header", "tamper"),
    [
        ("body", lambda body, sent: (body.replace(b"vch_1", b"vch_2"), sent)),
        ("webhook-id", lambda body, sent: (body, {**sent, "webhook-id": "evt_2"})),
        (
            "webhook-timestamp",
            lambda body, sent: (
                body,
                {**sent, "webhook-timestamp": str(int(sent["webhook-timestamp"]) - 1)},
            ),
        ),
    ],
)
def test_a_tampered_delivery_fails_verification(header: str, tamper: Any) -> None:
    secret, body = new_secret(), _body()
    sent = headers("evt_1", _now(), body, [secret])
    forged_body, forged_headers = tamper(body, sent)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(forged_body, forged_headers)


def test_secrets_are_32_random_bytes_behind_the_prefix() -> None:
    made = [new_secret() for _ in range(100)]
    assert len(set(made)) == len(made)
    for secret in made:
        assert secret.startswith("whsec_")
        assert len(secret_key(secret)) == 32
        assert base64.b64encode(secret_key(secret)).decode() == secret.removeprefix("whsec_")


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "whsec_",
        base64.b64encode(bytes(32)).decode(),  # no prefix
        "whsec_not base64!",
        "whsec_" + base64.b64encode(bytes(32)).decode().rstrip("="),  # unpadded
        "whsec_" + base64.urlsafe_b64encode(b"\xff" * 32).decode(),  # URL-safe alphabet
        "whsec_" + base64.b64encode(bytes(16)).decode(),  # too short a key
        "whsec_" + base64.b64encode(bytes(65)).decode(),  # too long a key
    ],
)
def test_malformed_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="webhook secret"):
        secret_key(secret)
    with pytest.raises(ValueError, match="webhook secret"):
        sign("evt_1", _now(), b"{}", [secret])


def test_signing_needs_a_sequence_of_secrets() -> None:
    with pytest.raises(ValueError, match="at least one"):
        sign("evt_1", _now(), b"{}", [])
    with pytest.raises(TypeError, match="sequence"):
        sign("evt_1", _now(), b"{}", new_secret())


def test_the_envelope_is_compact_json_in_contract_order() -> None:
    body = envelope("evt_1", "card.created", "2026-11-22T10:00:00Z", "mer_1", {"a": [1, "é"]})
    assert body == (
        b'{"id":"evt_1","type":"card.created","timestamp":"2026-11-22T10:00:00Z",'
        b'"merchant_id":"mer_1","data":{"a":[1,"\\u00e9"]}}'
    )
    assert list(json.loads(body)) == ["id", "type", "timestamp", "merchant_id", "data"]


@settings(max_examples=50, deadline=None)
@given(
    msg_id=st.text(min_size=1),
    data=st.dictionaries(st.text(), st.text() | st.integers() | st.none(), max_size=5),
    secrets=st.lists(st.builds(new_secret), min_size=1, max_size=3),
)
def test_any_event_verifies_with_each_of_its_secrets(
    msg_id: str, data: dict[str, Any], secrets: list[str]
) -> None:
    body = envelope("evt_1", "sale.processed", "2026-11-22T10:00:00Z", "mer_1", data)
    sent = headers(msg_id, _now(), body, secrets)
    for secret in secrets:
        assert Webhook(secret).verify(body, sent)["data"] == data
