"""Every documented error code can be answered: each is produced here by a concrete request
(or, where it takes a real server process or a fake POS, by the test named for it), and each is
declared by an operation of /openapi.json or by the door outside it that answers it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, update
from sqlalchemy.sql import Update
from werkzeug.test import TestResponse

from connectors.inbox.processing import Processor, drain_inbox
from gateway.api.idempotency import IdempotencyRecord
from gateway.api.openapi_docs import served_document
from gateway.api.problem_docs import declared_answers
from gateway.api.problems import RAW_INPUT_STATUSES, STATUSES
from gateway.db import utcnow
from gateway.loyalty.vouchers.models import Voucher
from tests.support import fake_google_wallet, fake_poster, fake_syrve
from tests.support.api import Api, bearer
from tests.support.codes import code_voucher, give, new_card, new_pool
from tests.support.pngs import image_b64
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem
from tests.support.programs import DESSERT_VOUCHER, FREE_COFFEE, lottery, nine_stamp_card
from tests.support.sales import sale_body
from tests.support.wallet_certs import chain
from webhooks.models import Delivery

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "test-admin-token"
LOOPBACK = ("127.0.0.0/8",)

# Codes answered by doors /openapi.json does not describe: routing itself, the gunicorn worker,
# the nginx front, /metrics, and the command line.
OUTSIDE_THE_SPEC = {
    "method_not_allowed": "routing: a path that does not take the method",
    "bad_request": "gunicorn and nginx: a request that is not HTTP",
    "uri_too_long": "gunicorn and nginx: the request line limit",
    "headers_too_large": "gunicorn and nginx: the header limits",
    "not_implemented": "gunicorn: an unsupported transfer coding",
    "forbidden": "/metrics from another host; a proxy request to gunicorn",
    "unavailable": "nginx: gunicorn does not answer",
    "other_program": "stampgate vouchers issue (the command line)",
    "wallet_key_unreadable": "the customer pages and the PassKit web service: a pass download",
}
# Codes proven by the test file named, which starts a real server or a fake POS, or makes a
# state a request cannot (every draw of a unique code colliding): that file asserts the code.
PROVEN_ELSEWHERE = {
    "bad_request": "tests/e2e/test_gunicorn_edges.py",
    "uri_too_long": "tests/e2e/test_gunicorn_edges.py",
    "headers_too_large": "tests/e2e/test_gunicorn_edges.py",
    "not_implemented": "tests/e2e/test_gunicorn_edges.py",
    "unavailable": "tests/e2e/test_nginx_front.py",
    "other_program": "tests/loyalty/codes/test_export.py",
    "code_space_exhausted": "tests/loyalty/cards/test_cards.py",
    "wallet_key_unreadable": "tests/wallet/test_apple_passes.py",
}


@dataclass
class Door:
    """A merchant of a fresh app, and ways to build other apps."""

    api: Api
    merchant: dict[str, Any]
    app: Flask
    make_app: Callable[..., Flask]
    request: pytest.FixtureRequest

    def call(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        """A request with the merchant's key."""
        return self.api.call(method, path, self.merchant["api_key"], **kwargs)

    def program(self, **changes: Any) -> dict[str, Any]:
        """A new program (the 9-stamp card with changes)."""
        created = self.call("POST", "/v1/programs", json=nine_stamp_card(**changes))
        assert created.status_code == 201, created.get_json()
        body: dict[str, Any] = created.get_json()
        return body

    def voucher(self, card: bool = True, **reward: Any) -> dict[str, Any]:
        """A goodwill staff voucher, given to a new card unless ``card`` is false."""
        number = new_card(self.api, self.merchant) if card else None
        return give(self.api, self.merchant, {**DESSERT_VOUCHER, **reward}, number)

    def shared_code_for_two(self) -> tuple[str, str]:
        """Vouchers with the code SHARED9 on two customers' cards; their card numbers."""
        reward = code_voucher({"mode": "shared", "value": "SHARED9"})
        program = self.program()["id"]
        cards = [new_card(self.api, self.merchant, program) for _ in range(2)]
        for number in cards:
            give(self.api, self.merchant, reward, number)
        return cards[0], cards[1]

    def redemption(self) -> str:
        """A redemption of a new voucher; its id."""
        voucher = self.voucher()
        redeemed = self.call("POST", f"/v1/vouchers/{voucher['id']}/redeem", json={})
        assert redeemed.status_code == 200, redeemed.get_json()
        redemption_id: str = redeemed.get_json()["redemption_id"]
        return redemption_id


@contextmanager
def voucher_moved_meanwhile(app: Flask, status: str) -> Iterator[None]:
    """Another request sets the voucher's status just before this request's conditional UPDATE
    (as a concurrent one would, in the same transaction here, so it is undone with it)."""
    engine = app.extensions["stampgate"].engine
    moved: list[bool] = []

    def move_first(conn: Any, clause: Any, *_args: Any) -> None:
        table = getattr(clause, "table", None)
        if isinstance(clause, Update) and getattr(table, "name", "") == "vouchers" and not moved:
            moved.append(True)
            conn.execute(update(Voucher).values(status=status))

    event.listen(engine, "before_execute", move_first)
    try:
        yield
    finally:
        event.remove(engine, "before_execute", move_first)
    assert moved


def _set_expired(d: Door, voucher_id: str) -> None:
    with d.app.extensions["stampgate"].session_factory() as session:
        yesterday = utcnow() - timedelta(days=1)
        session.execute(
            update(Voucher).where(Voucher.id == voucher_id).values(valid_until=yesterday)
        )
        session.commit()


def _conflict(d: Door) -> TestResponse:
    voucher = d.voucher(card=False)  # issued; another request assigns it meanwhile
    with voucher_moved_meanwhile(d.app, "active"):
        return d.call("POST", f"/v1/vouchers/{voucher['id']}/void")


def _not_redeemed(d: Door) -> TestResponse:
    redemption = d.redemption()  # another request rolls the voucher back meanwhile
    with voucher_moved_meanwhile(d.app, "active"):
        return d.call("POST", f"/v1/redemptions/{redemption}/rollback", json={})


def _expired(d: Door) -> TestResponse:
    voucher = d.voucher()
    _set_expired(d, voucher["id"])
    return d.call("POST", f"/v1/vouchers/{voucher['id']}/redeem", json={})


def _spin_already_played(d: Door) -> TestResponse:
    d.program(stamps_goal=1, milestones=[], reward=lottery(("award", "100.00")))
    d.call("POST", "/v1/sales", json=sale_body("T-1"))
    number = d.call("GET", "/v1/cards?phone=%2B380501111111").get_json()["items"][0]["number"]
    (spin,) = d.call("GET", f"/v1/cards/{number}/spins").get_json()["items"]
    assert d.call("POST", f"/v1/spins/{spin['id']}/play").status_code == 200
    return d.call("POST", f"/v1/spins/{spin['id']}/play")


def _held(d: Door) -> TestResponse:
    first, _ = d.shared_code_for_two()
    held = d.call("POST", "/v1/codes/hold", json={"code": "SHARED9", "card_number": first})
    assert held.status_code == 201, held.get_json()
    return d.call("POST", "/v1/codes/redeem", json={"code": "SHARED9", "card_number": first})


def _other_customer(d: Door) -> TestResponse:
    reward = code_voucher({"mode": "shared", "value": "ONLYANN"})
    program = d.program()["id"]
    ann, bob = (new_card(d.api, d.merchant, program) for _ in range(2))
    give(d.api, d.merchant, reward, ann)
    return d.call("POST", "/v1/codes/redeem", json={"code": "ONLYANN", "card_number": bob})


def _rollback_window_passed(d: Door) -> TestResponse:
    app = d.make_app(redemption_rollback_seconds=0)
    door = Door(Api(app.test_client(), ADMIN_TOKEN), d.merchant, app, d.make_app, d.request)
    return door.call("POST", f"/v1/redemptions/{door.redemption()}/rollback", json={})


def _already_rolled_back(d: Door) -> TestResponse:
    redemption = d.redemption()
    assert d.call("POST", f"/v1/redemptions/{redemption}/rollback", json={}).status_code == 200
    return d.call("POST", f"/v1/redemptions/{redemption}/rollback", json={})


def _too_many_attempts(d: Door) -> TestResponse:
    client = d.make_app(limit_auth_failures="1/minute").test_client()
    assert client.get("/v1/merchant").status_code == 401
    return client.get("/v1/merchant")


def _secret_unreadable(d: Door) -> TestResponse:
    created = d.call("POST", "/v1/webhook-endpoints", json={"url": "https://8.8.8.8/hooks"})
    assert created.status_code == 201, created.get_json()
    rekeyed = d.make_app(secret_key="another-secret-key").test_client()
    path = f"/v1/webhook-endpoints/{created.get_json()['id']}/secret"
    return rekeyed.get(path, headers=bearer(d.merchant["api_key"]))


def _internal_error(d: Door) -> TestResponse:
    app = d.make_app()

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    return app.test_client().get("/broken")


def _poster_hook(d: Door, body: bytes) -> TestResponse:
    return d.api.client.post("/hooks/poster", data=body, content_type="application/json")


def _callback(d: Door, **settings: Any) -> TestResponse:
    client = d.make_app(**settings).test_client()
    return client.get("/connect/poster/callback?code=abc&account=cafe")


_POSTER_APP = {"poster_application_id": "1", "poster_application_secret": "s"}
_UNREACHABLE_POSTER = {
    "poster_api_url": "http://127.0.0.1:9/api",
    "webhook_allowed_networks": LOOPBACK,
}
_POSTER_CONNECTION = {
    "pos": "poster",
    "account": "cafe",
    "application_secret": "s",
    "access_token": "1:t",
}


def _poster_world(d: Door, **settings: Any) -> tuple[PosWorld, fake_poster.FakePoster]:
    poster: fake_poster.FakePoster = d.request.getfixturevalue("poster")
    app = d.make_app(**fake_poster.poster_settings(poster, **settings))
    return make_world(app, fake_poster.connection_body(poster)), poster


def _syrve_world(d: Door) -> tuple[PosWorld, fake_syrve.FakeSyrve]:
    syrve: fake_syrve.FakeSyrve = d.request.getfixturevalue("syrve")
    app = d.make_app(**fake_syrve.syrve_settings(syrve))
    return make_world(app, fake_syrve.connection_body(syrve), currency="EUR"), syrve


def _connection_path(world: PosWorld, tail: str = "") -> str:
    return f"/v1/connections/{world.connection['id']}{tail}"


def _pos_auth_rejected(d: Door) -> TestResponse:
    world, poster = _poster_world(d)
    poster.token = "2:revoked"  # the merchant revoked the token in Poster
    return world.api.call("GET", _connection_path(world, "/promotions"), world.key)


def _pos_error(d: Door) -> TestResponse:
    world, poster = _poster_world(d)

    def refusing(method: str, query: dict[str, str], form: dict[str, str]) -> Any:
        return 200, {"error": {"code": 42, "message": "Something went wrong"}}

    poster.answer = refusing  # type: ignore[method-assign]
    return world.api.call("GET", _connection_path(world, "/promotions"), world.key)


def _unknown_promotion(d: Door) -> TestResponse:
    world, _ = _poster_world(d)
    path = _connection_path(world, "/codes")
    return world.api.call("PUT", path, world.key, json={"no-such-promotion": "FREE"})


def _new_pool(world: PosWorld) -> str:
    created = world.api.call("POST", "/v1/code-pools", world.key, json={"name": "Coupons"})
    pool_id: str = created.get_json()["id"]
    return pool_id


def _bind_pool(world: PosWorld, series_id: str) -> TestResponse:
    source = {"connection_id": world.connection["id"], "series_id": series_id}
    path = f"/v1/code-pools/{_new_pool(world)}"
    return world.api.call("PATCH", path, world.key, json={"source": source})


def _unknown_coupon_series(d: Door) -> TestResponse:
    world, _ = _syrve_world(d)
    return _bind_pool(world, "no-such-series")


def _pool_source_unsupported(d: Door) -> TestResponse:
    world, _ = _poster_world(d)
    return _bind_pool(world, "any-series")


def _pool_not_bound(d: Door) -> TestResponse:
    return d.call("POST", f"/v1/code-pools/{_new_pool_of(d)}/sync")


def _new_pool_of(d: Door) -> str:
    created = d.call("POST", "/v1/code-pools", json={"name": "Uploads"})
    pool_id: str = created.get_json()["id"]
    return pool_id


def _connect_again(d: Door, **changes: Any) -> TestResponse:
    world, poster = _poster_world(d)
    body = {**fake_poster.connection_body(poster), "program_id": world.program["id"], **changes}
    return world.api.call("POST", "/v1/connections", world.key, json=body)


def _registration_not_supported(d: Door) -> TestResponse:
    world, _ = _poster_world(d)
    return world.api.call("POST", _connection_path(world, "/register-webhook"), world.key)


def _registration_not_confirmed(d: Door) -> TestResponse:
    world, syrve = _syrve_world(d)
    answer = syrve.answer

    def settings_never_saved(path: str, token: str | None, body: dict[str, Any]) -> Any:
        if path.endswith("webhooks/update_settings"):
            return 200, {"correlationId": "c"}  # accepted, but not stored
        return answer(path, token, body)

    syrve.answer = settings_never_saved  # type: ignore[method-assign]
    return world.api.call("POST", _connection_path(world, "/register-webhook"), world.key)


def _bad_token(d: Door) -> TestResponse:
    world, _ = _syrve_world(d)
    hook = f"/hooks/serve/{world.connection['id']}"
    return world.client.post(hook, json=[], headers={"Authorization": "not-the-token"})


def _credentials_unreadable(d: Door) -> TestResponse:
    _, poster = _poster_world(d)
    rekeyed = d.make_app(**fake_poster.poster_settings(poster, secret_key="another-secret-key"))
    hook = fake_poster.poster_hook(1, "added")
    return rekeyed.test_client().post("/hooks/poster", json=hook)


_LOCAL_TOKENS = "http://127.0.0.1:9/token"


def _put_google(d: Door, app: Flask | None = None, **changes: Any) -> TestResponse:
    account = {**fake_google_wallet.service_account(_LOCAL_TOKENS), **changes}
    api = d.api if app is None else Api(app.test_client(), ADMIN_TOKEN)
    body = {"issuer_id": fake_google_wallet.ISSUER_ID, "service_account": account}
    return api.call("PUT", "/v1/wallet/google", d.merchant["api_key"], json=body)


def _google_credentials_unreadable(d: Door) -> TestResponse:
    local = d.make_app(webhook_allowed_networks=LOOPBACK, webhook_require_https=False)
    assert _put_google(d, local).status_code == 200
    rekeyed = d.make_app(secret_key="another-secret-key")
    return Api(rekeyed.test_client(), ADMIN_TOKEN).call(
        "GET", "/v1/wallet/google", d.merchant["api_key"]
    )


def _not_retryable(d: Door) -> TestResponse:
    world, poster = _poster_world(d)
    poster.add_sale("501", [{"product_id": "12", "num": "1", "payed_sum": "500"}])
    hook = fake_poster.poster_hook(501, "added")
    assert world.client.post("/hooks/poster", json=hook).status_code == 200
    ext = world.app.extensions["stampgate"]
    drain_inbox(Processor(ext.settings, ext.session_factory, ext.connectors))
    (event,) = world.api.call("GET", "/v1/inbound-events", world.key).get_json()["items"]
    assert event["status"] == "processed", event  # only failed, waiting or ignored ones retry
    return world.api.call("POST", f"/v1/inbound-events/{event['id']}/retry", world.key)


def _install_state(d: Door, world: PosWorld) -> str:
    url = world.api.call(
        "GET",
        f"/v1/connections/poster/install-url?program_id={world.program['id']}",
        world.key,
    ).get_json()["url"]
    redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    state: str = parse_qs(urlsplit(redirect).query)["state"][0]
    return state


def _malformed_callback(d: Door) -> TestResponse:
    world, _ = _poster_world(d, **_POSTER_APP)
    state = _install_state(d, world)
    return world.client.get(f"/connect/poster/callback?code=abc&account=no%20such&state={state}")


def _token_exchange_failed(d: Door) -> TestResponse:
    world, _ = _poster_world(d, **_POSTER_APP)
    state = _install_state(d, world)
    url = f"/connect/poster/callback?account={fake_poster.ACCOUNT}&code=unknown&state={state}"
    return world.client.get(url)


def _campaign(d: Door, **changes: Any) -> TestResponse:
    """POST /v1/campaigns for a program with one card, with changes to a Wallet campaign."""
    program_id = d.program()["id"]
    new_card(d.api, d.merchant, program_id)
    body = {
        "program_id": program_id,
        "segment": {"kind": "all"},
        "push_text": "Hello",
        "channels": ["wallet"],
        **changes,
    }
    return d.call("POST", "/v1/campaigns", json=body)


def _campaign_finished(d: Door) -> TestResponse:
    created = _campaign(d, send_at="2099-01-01T00:00:00Z").get_json()
    d.call("POST", f"/v1/campaigns/{created['id']}/cancel")
    return d.call("POST", f"/v1/campaigns/{created['id']}/cancel")


def _delivery_in_progress(d: Door) -> TestResponse:
    created = d.call("POST", "/v1/webhook-endpoints", json={"url": "https://8.8.8.8/hooks"})
    tested = d.call("POST", f"/v1/webhook-endpoints/{created.get_json()['id']}/test")
    (delivery_id,) = tested.get_json()["delivery_ids"]
    with d.app.extensions["stampgate"].session_factory() as session:
        lease = utcnow() + timedelta(minutes=1)  # a worker is attempting it right now
        session.execute(
            update(Delivery).where(Delivery.id == delivery_id).values(locked_until=lease)
        )
        session.commit()
    return d.call("POST", f"/v1/deliveries/{delivery_id}/retry")


def _idempotency_conflict(d: Door) -> TestResponse:
    again = {"Idempotency-Key": "k1"}
    assert d.call("POST", "/v1/api-keys", json={"label": "a"}, headers=again).status_code == 201
    return d.call("POST", "/v1/api-keys", json={"label": "b"}, headers=again)


def _idempotency_in_progress(d: Door) -> TestResponse:
    first = {"Idempotency-Key": "k1"}
    assert d.call("POST", "/v1/api-keys", json={}, headers=first).status_code == 201
    factory = d.app.extensions["stampgate"].session_factory
    with factory() as session:
        done = session.get(IdempotencyRecord, (d.merchant["id"], "k1"))
        assert done is not None
        running = IdempotencyRecord(  # the same request under k2, still running
            scope=d.merchant["id"],
            key="k2",
            fingerprint=done.fingerprint,
            locked_until=utcnow() + timedelta(minutes=1),
        )
        session.add(running)
        session.commit()
    return d.call("POST", "/v1/api-keys", json={}, headers={"Idempotency-Key": "k2"})


def _currency_mismatch(d: Door) -> TestResponse:
    d.program()
    return d.call("POST", "/v1/sales", json=sale_body("T-1", currency="USD"))


def _card_exists(d: Door) -> TestResponse:
    body = {"program_id": d.program()["id"], "customer": {"email": "ann@example.com"}}
    assert d.call("POST", "/v1/cards", json=body).status_code == 201
    return d.call("POST", "/v1/cards", json=body)


def _sale_conflict(d: Door) -> TestResponse:
    d.program()
    assert d.call("POST", "/v1/sales", json=sale_body("T-1")).status_code == 201
    return d.call("POST", "/v1/sales", json=sale_body("T-1", total=900))


def _refund_conflict(d: Door) -> TestResponse:
    d.program()
    sale = d.call("POST", "/v1/sales", json=sale_body("T-1")).get_json()
    path = f"/v1/sales/{sale['id']}/refunds"
    assert d.call("POST", path, json={"refund_id": "R-1"}).status_code == 201
    return d.call("POST", path, json={"refund_id": "R-1", "lines": sale_body("T-1")["lines"]})


def _already_redeemed(d: Door) -> TestResponse:
    path = f"/v1/vouchers/{d.voucher()['id']}/redeem"
    assert d.call("POST", path, json={}).status_code == 200
    return d.call("POST", path, json={})


def _voided(d: Door) -> TestResponse:
    voucher = d.voucher()
    assert d.call("POST", f"/v1/vouchers/{voucher['id']}/void").status_code == 200
    return d.call("POST", f"/v1/vouchers/{voucher['id']}/redeem", json={})


def _customer_required(d: Door) -> TestResponse:
    d.shared_code_for_two()
    return d.call("POST", "/v1/codes/redeem", json={"code": "SHARED9"})


Produce = Callable[[Door], TestResponse]
ANSWERS: dict[tuple[str, int], Produce] = {
    # Any request: input rules, keys and tokens, idempotency, the web framework.
    ("malformed_json", 400): lambda d: d.call(
        "POST", "/v1/programs", data="{", content_type="application/json"
    ),
    ("invalid_idempotency_key", 400): lambda d: d.call(
        "POST", "/v1/api-keys", json={}, headers={"Idempotency-Key": "x" * 300}
    ),
    ("control_characters", 400): lambda d: d.call("GET", "/v1/programs/prg_%01"),
    ("control_characters", 422): lambda d: d.call(
        "POST", "/v1/programs", json=nine_stamp_card(name="Coffee\x01")
    ),
    ("unauthorized", 401): lambda d: d.api.client.get("/v1/merchant"),
    ("forbidden", 403): lambda d: d.api.client.get(
        "/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}
    ),
    ("admin_disabled", 403): lambda d: (
        d.make_app(admin_token=None)
        .test_client()
        .get("/admin/v1/merchants/mer_x", headers=bearer("t"))
    ),
    ("not_found", 404): lambda d: d.call("GET", "/v1/programs/prg_nope"),
    ("method_not_allowed", 405): lambda d: d.call("DELETE", "/v1/merchant"),
    ("conflict", 409): _conflict,
    ("idempotency_conflict", 409): _idempotency_conflict,
    ("idempotency_in_progress", 409): _idempotency_in_progress,
    ("payload_too_large", 413): lambda d: d.call("POST", "/v1/programs", json={"x": "y" * 2**21}),
    ("unsupported_media_type", 415): lambda d: d.call(
        "POST", "/v1/programs", data="name", content_type="text/plain"
    ),
    ("validation_error", 422): lambda d: d.call("POST", "/v1/programs", json={}),
    ("too_many_attempts", 429): _too_many_attempts,
    ("internal_error", 500): _internal_error,
    ("database_unavailable", 503): lambda d: (
        d.make_app(database_url="postgresql+psycopg://root@127.0.0.1:9/gone")
        .test_client()
        .get("/v1/merchant", headers=bearer(d.merchant["api_key"]))
    ),
    ("not_ready", 503): lambda d: (
        d.make_app(redis_url="redis://127.0.0.1:9/0").test_client().get("/readyz")
    ),
    # Programs, cards and sales.
    ("probabilities_not_100", 422): lambda d: d.call(
        "POST", "/v1/programs", json=nine_stamp_card(reward=lottery(("award", "90.00")))
    ),
    ("program_required", 422): lambda d: d.call("POST", "/v1/sales", json=sale_body("T-1")),
    ("currency_mismatch", 422): _currency_mismatch,
    ("invalid_card_number", 422): lambda d: d.call("GET", "/v1/cards/79927398710"),
    ("invalid_time_range", 422): lambda d: d.call(
        "GET", "/v1/sales?created_after=2026-12-02T00:00:00Z&created_before=2026-12-01T00:00:00Z"
    ),
    ("card_exists", 409): _card_exists,
    ("sale_conflict", 409): _sale_conflict,
    ("refund_conflict", 409): _refund_conflict,
    ("spin_already_played", 409): _spin_already_played,
    # Vouchers.
    ("already_redeemed", 409): _already_redeemed,
    ("expired", 409): _expired,
    ("voided", 409): _voided,
    ("not_active", 409): lambda d: d.call(
        "POST", f"/v1/vouchers/{d.voucher(card=False)['id']}/redeem", json={}
    ),
    ("already_active", 409): lambda d: d.call(
        "POST",
        f"/v1/vouchers/{d.voucher()['id']}/assign",
        json={"card_number": new_card(d.api, d.merchant)},
    ),
    ("not_redeemed", 409): _not_redeemed,
    ("channel_not_allowed", 409): lambda d: d.call(
        "POST", f"/v1/vouchers/{d.voucher()['id']}/redeem", json={"channel": "self"}
    ),
    ("code_pool_empty", 409): lambda d: d.call(
        "POST",
        "/v1/vouchers",
        json={"reward": code_voucher({"mode": "pool", "pool_id": new_pool(d.api, d.merchant)})},
    ),
    ("barcode_unsupported", 409): lambda d: d.call(
        "GET",
        f"/v1/vouchers/{d.voucher(**code_voucher({'mode': 'shared', 'value': 'кава'}))['id']}"
        "/barcode.svg",
    ),
    # Redeem codes and code pools.
    ("pattern_too_small", 422): lambda d: d.call(
        "POST",
        "/v1/programs",
        json=nine_stamp_card(reward=code_voucher({"mode": "unique", "pattern": "A-####"})),
    ),
    ("unknown_code_pool", 422): lambda d: d.call(
        "POST",
        "/v1/programs",
        json=nine_stamp_card(reward=code_voucher({"mode": "pool", "pool_id": "cpl_" + "0" * 26})),
    ),
    ("malformed_csv", 422): lambda d: d.call(
        "POST",
        f"/v1/code-pools/{new_pool(d.api, d.merchant)}/codes",
        data=b"\xff\xfe\x00",
        content_type="text/csv",
    ),
    ("unknown_code", 404): lambda d: d.call("POST", "/v1/codes/redeem", json={"code": "NOPE"}),
    ("customer_required", 409): _customer_required,
    ("other_customer", 409): _other_customer,
    ("held", 409): _held,
    ("rollback_window_passed", 409): _rollback_window_passed,
    ("already_rolled_back", 409): _already_rolled_back,
    # POS connections, POS webhooks and the Poster install callback.
    ("bad_state", 400): lambda d: _callback(d, **_POSTER_APP),
    ("poster_app_not_configured", 409): _callback,
    ("malformed_webhook", 400): lambda d: _poster_hook(d, b"[]"),
    ("bad_signature", 401): lambda d: _poster_hook(
        d,
        b'{"account": "cafe", "object": "transaction", "object_id": 1, "action": "added",'
        b' "time": "1", "verify": "0"}',
    ),
    ("url_not_allowed", 422): lambda d: d.call(
        "POST", "/v1/webhook-endpoints", json={"url": "http://10.0.0.7/hooks"}
    ),
    ("pos_unreachable", 502): lambda d: Api(
        d.make_app(**_UNREACHABLE_POSTER).test_client(), ADMIN_TOKEN
    ).call(
        "POST",
        "/v1/connections",
        d.merchant["api_key"],
        json={**_POSTER_CONNECTION, "program_id": d.program()["id"]},
    ),
    ("pos_auth_rejected", 409): _pos_auth_rejected,
    ("pos_error", 502): _pos_error,
    ("unknown_promotion", 422): _unknown_promotion,
    ("unknown_coupon_series", 422): _unknown_coupon_series,
    ("pool_source_unsupported", 422): _pool_source_unsupported,
    ("pool_not_bound", 409): _pool_not_bound,
    ("connection_exists", 409): _connect_again,
    ("account_not_verified", 422): lambda d: _connect_again(
        d, account="othercafe", access_token=fake_poster.token_for("elsewhere")
    ),
    ("registration_not_supported", 409): _registration_not_supported,
    ("registration_not_confirmed", 502): _registration_not_confirmed,
    ("bad_token", 401): _bad_token,
    ("credentials_unreadable", 503): _credentials_unreadable,
    ("not_retryable", 409): _not_retryable,
    ("malformed_callback", 400): _malformed_callback,
    ("token_exchange_failed", 502): _token_exchange_failed,
    # Webhook endpoints and deliveries.
    ("secret_unreadable", 409): _secret_unreadable,
    ("delivery_in_progress", 409): _delivery_in_progress,
    # Campaigns.
    ("channel_text_missing", 422): lambda d: _campaign(d, push_text=None),
    ("push_text_too_long", 422): lambda d: _campaign(d, push_text="☕" * 21),
    ("not_a_voucher_reward", 422): lambda d: _campaign(d, voucher=FREE_COFFEE),
    ("send_at_in_past", 422): lambda d: _campaign(d, send_at="2020-01-01T00:00:00Z"),
    ("empty_segment", 422): lambda d: _campaign(d, segment={"kind": "near_goal", "stamps_left": 1}),
    ("campaign_finished", 409): _campaign_finished,
    # Wallet passes.
    ("wallet_pem_unreadable", 422): lambda d: _apple_wallet(d, key_pem="-----BEGIN nope"),
    ("wallet_key_mismatch", 422): lambda d: _apple_wallet(d, key_pem=chain().other_key_pem),
    ("wallet_image_invalid", 422): lambda d: d.call(
        "PUT",
        f"/v1/programs/{d.program()['id']}/wallet-design",
        json={"icon_png": image_b64(29, 29, "JPEG")},
    ),
    ("wallet_certificate_expired", 422): lambda d: _apple_wallet(
        d, certificate_pem=chain().expired_certificate_pem
    ),
    # Google Wallet.
    ("google_service_account_invalid", 422): lambda d: _put_google(d, type="authorized_user"),
    ("google_key_unreadable", 422): lambda d: _put_google(d, private_key="not a key"),
    ("google_credentials_unreadable", 503): _google_credentials_unreadable,
}


def _apple_wallet(d: Door, **changes: str) -> TestResponse:
    return d.call("PUT", "/v1/wallet/apple", json=chain().body(**changes))


def _expected_answers() -> set[tuple[str, int]]:
    answers = {(code, status) for code, status in STATUSES.items()}
    return answers | {(code, status) for code, status in RAW_INPUT_STATUSES.items()}


def test_every_code_and_status_is_produced_here_or_in_the_test_named_for_it() -> None:
    elsewhere = {(code, STATUSES[code]) for code in PROVEN_ELSEWHERE}
    assert not set(ANSWERS) & elsewhere, "produced here: drop it from PROVEN_ELSEWHERE"
    assert set(ANSWERS) | elsewhere == _expected_answers()


@pytest.fixture
def door(
    api: Api,
    merchant: dict[str, Any],
    app: Flask,
    make_app: Callable[..., Flask],
    request: pytest.FixtureRequest,
) -> Door:
    """A merchant of the test's app."""
    return Door(api, merchant, app, make_app, request)


@pytest.mark.parametrize(("code", "status"), sorted(ANSWERS))
def test_a_request_answers_the_code(door: Door, code: str, status: int) -> None:
    assert_problem(ANSWERS[code, status](door), status, code)


@pytest.mark.parametrize("code", sorted(PROVEN_ELSEWHERE))
def test_the_test_named_for_a_code_asserts_it(code: str) -> None:
    text = (ROOT / PROVEN_ELSEWHERE[code]).read_text()
    assert f'"{code}"' in text, f"{PROVEN_ELSEWHERE[code]} does not produce {code}"


def test_every_code_is_declared_by_an_operation_or_by_its_door(client: FlaskClient) -> None:
    declared = {
        answer
        for answers in declared_answers(served_document(client.application)).values()
        for answer in answers
    }
    undeclared = {
        (code, status)
        for code, status in _expected_answers()
        if (status, code) not in declared and code not in OUTSIDE_THE_SPEC
    }
    assert undeclared == set()
