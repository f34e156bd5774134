"""Every state-changing route of the API leaves an audit event: the walk over the url_map.

Each case prepares what its route needs through the API, then calls the route once with its
own ``X-Request-Id``; the call must succeed and at least one audit event must carry that id.
A route added without a case (or an exemption with its reason) fails the walk.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from gateway.audit.models import AuditEvent
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher
from tests.support.fake_google_wallet import ISSUER_ID, service_account
from tests.support.fake_syrve import (
    FakeSyrve,
    connection_body,
    order_event,
    syrve_settings,
)
from tests.support.programs import DESSERT_VOUCHER, lottery, nine_stamp_card
from tests.support.sales import sale_body
from tests.support.wallet_certs import chain

CHANGING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
AUDITED_PREFIXES = ("/v1/", "/admin/v1/")
EXEMPT = {
    ("POST", "/v1/codes/check"): "answers whether a code would redeem; it changes nothing",
    ("POST", "/v1/campaigns/preview"): "counts a campaign's recipients; it changes nothing",
}
Call = tuple[str, dict[str, Any]]  # the path to call and the test client's keyword arguments


class Walk:
    """One merchant with what the cases need, created through the API on demand."""

    def __init__(self, app: Flask, syrve: FakeSyrve) -> None:
        self.app = app
        self.syrve = syrve
        self.api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
        self.key = self.api.create_merchant("Walk Cafe")["api_key"]
        self.counter = itertools.count(1)
        self.program_id = self.ok("POST", "/v1/programs", json=nine_stamp_card())["id"]
        self._connection: dict[str, Any] | None = None

    def call(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        """A request with the merchant's key."""
        return self.api.call(method, path, self.key, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """A setup request that must succeed; its JSON body."""
        response = self.call(method, path, **kwargs)
        assert response.status_code < 300, (method, path, response.get_json())
        return response.get_json()

    def unique(self, prefix: str) -> str:
        """A value no other case uses."""
        return f"{prefix}-{next(self.counter)}"

    def card(self) -> str:
        """A new card's number."""
        phone = f"+38050{1000000 + next(self.counter)}"
        body = {"program_id": self.program_id, "customer": {"phone": phone}}
        number: str = self.ok("POST", "/v1/cards", json=body)["number"]
        return number

    def voucher(self, reward: dict[str, Any], with_card: bool = True) -> dict[str, Any]:
        """A goodwill voucher (active on a new card, or issued without one)."""
        body = {"reward": reward, "card_number": self.card() if with_card else None}
        voucher: dict[str, Any] = self.ok("POST", "/v1/vouchers", json=body)
        return voucher

    def code_voucher(self) -> dict[str, Any]:
        """An active voucher with a unique redeem code."""
        return self.voucher(code_voucher(UNIQUE))

    def redemption(self) -> str:
        """The id of a fresh redemption."""
        redeemed = self.ok("POST", "/v1/codes/redeem", json={"code": self.code_voucher()["code"]})
        redemption_id: str = redeemed["redemption_id"]
        return redemption_id

    def sale(self) -> dict[str, Any]:
        """A recorded sale of a new customer."""
        phone = f"+38050{2000000 + next(self.counter)}"
        body = sale_body(self.unique("T"), program_id=self.program_id, customer={"phone": phone})
        sale: dict[str, Any] = self.ok("POST", "/v1/sales", json=body)
        return sale

    def spin(self) -> str:
        """A pending spin on a card of a one-stamp lottery program."""
        program = nine_stamp_card(stamps_goal=1, reward=lottery(("award", "100.00")), milestones=[])
        program_id = self.ok("POST", "/v1/programs", json=program)["id"]
        number = self.ok("POST", "/v1/cards", json={"program_id": program_id})["number"]
        self.ok("POST", f"/v1/cards/{number}/stamps", json={"count": 1, "channel": "staff"})
        spins = self.ok("GET", f"/v1/cards/{number}/spins?status=pending")["items"]
        spin_id: str = spins[0]["id"]
        return spin_id

    def pool(self) -> str:
        """A new code pool's id."""
        pool_id: str = self.ok("POST", "/v1/code-pools", json={"name": self.unique("pool")})["id"]
        return pool_id

    def coupon_pool(self) -> str:
        """A new pool bound to a coupon series of the merchant's Serve connection."""
        series = self.unique("series")
        self.syrve.add_coupons(series, series, [f"{series}-1"])
        pool_id = self.pool()
        source = {"connection_id": self.connection()["id"], "series_id": series}
        self.ok("PATCH", f"/v1/code-pools/{pool_id}", json={"source": source})
        return pool_id

    def hold(self) -> str:
        """A live hold's id."""
        body = {"code": self.code_voucher()["code"], "pos_transaction_id": self.unique("T")}
        hold_id: str = self.ok("POST", "/v1/codes/hold", json=body)["hold_id"]
        return hold_id

    def organization(self) -> str:
        """A new organization of the fake Syrve's API login."""
        organization = str(uuid.uuid4())
        self.syrve.organizations.append(organization)
        return organization

    def connection(self) -> dict[str, Any]:
        """The merchant's Serve connection to the fake Syrve (made once)."""
        if self._connection is None:
            body = {**connection_body(self.syrve), "program_id": self.program_id}
            self._connection = self.ok("POST", "/v1/connections", json=body)
        return self._connection

    def failed_inbound_event(self) -> str:
        """An inbound event that failed processing."""
        connection = self.connection()
        error = order_event(self.unique("order"), event_type="TableOrderError")
        error["eventInfo"]["creationStatus"] = "Error"
        headers = {"Authorization": f"Bearer {connection['webhook_token']}"}
        hook = self.api.client.post(
            f"/hooks/serve/{connection['id']}", json=[error], headers=headers
        )
        assert hook.status_code == 200, hook.get_json()
        ext = self.app.extensions["stampgate"]
        from connectors.inbox.processing import Processor, drain_inbox

        drain_inbox(Processor(ext.settings, ext.session_factory, ext.connectors))
        failed = self.ok("GET", "/v1/inbound-events?status=failed")["items"]
        event_id: str = failed[0]["id"]
        return event_id

    def endpoint(self) -> str:
        """A new webhook endpoint's id."""
        body = {"url": f"http://127.0.0.1:9/{self.unique('hook')}"}
        endpoint_id: str = self.ok("POST", "/v1/webhook-endpoints", json=body)["id"]
        return endpoint_id

    def delivery(self) -> str:
        """A pending delivery's id (of a test event)."""
        sent = self.ok("POST", f"/v1/webhook-endpoints/{self.endpoint()}/test")
        delivery_id: str = sent["delivery_ids"][0]
        return delivery_id


def _campaign_body(w: Walk) -> dict[str, Any]:
    w.card()
    return {
        "program_id": w.program_id,
        "segment": {"kind": "all"},
        "push_text": "Hello",
        "channels": ["wallet"],
        "send_at": "2099-01-01T00:00:00Z",
    }


def _automation_body(w: Walk) -> dict[str, Any]:
    return {
        "program_id": w.program_id,
        "name": "Reward ready",
        "trigger": {"kind": "reward_ready"},
        "push_text": "One more stamp",
        "channels": ["wallet"],
    }


def _saved_apple_wallet(w: Walk) -> Call:
    w.ok("PUT", "/v1/wallet/apple", json=chain().body())
    return "/v1/wallet/apple", {}


def _body(body: Any) -> dict[str, Any]:
    return {"json": body}


def _google_wallet() -> dict[str, Any]:
    account = service_account("http://127.0.0.1:9/token")
    return {"issuer_id": ISSUER_ID, "service_account": account}


CASES: dict[tuple[str, str], Callable[[Walk], Call]] = {
    ("POST", "/admin/v1/merchants"): lambda w: (
        "/admin/v1/merchants",
        {
            **_body({"name": "Another", "currency": "EUR", "timezone": "Europe/Kyiv"}),
            "headers": {"Authorization": f"Bearer {w.api.admin_token}"},
        },
    ),
    ("PUT", "/v1/programs/<program_id>/wallet-design"): lambda w: (
        f"/v1/programs/{w.program_id}/wallet-design",
        _body({"background_color": "#3b2417"}),
    ),
    ("PUT", "/v1/wallet/apple"): lambda w: ("/v1/wallet/apple", _body(chain().body())),
    ("DELETE", "/v1/wallet/apple"): _saved_apple_wallet,
    ("PATCH", "/v1/merchant"): lambda w: ("/v1/merchant", _body({"country": "DE"})),
    ("POST", "/v1/api-keys"): lambda w: ("/v1/api-keys", _body({"label": "till"})),
    ("DELETE", "/v1/api-keys/<key_id>"): lambda w: (
        f"/v1/api-keys/{w.ok('POST', '/v1/api-keys', json={})['id']}",
        {},
    ),
    ("POST", "/v1/programs"): lambda w: ("/v1/programs", _body(nine_stamp_card())),
    ("POST", "/v1/campaigns"): lambda w: ("/v1/campaigns", _body(_campaign_body(w))),
    ("POST", "/v1/campaigns/<campaign_id>/cancel"): lambda w: (
        f"/v1/campaigns/{w.ok('POST', '/v1/campaigns', json=_campaign_body(w))['id']}/cancel",
        {},
    ),
    ("POST", "/v1/automations"): lambda w: ("/v1/automations", _body(_automation_body(w))),
    ("PATCH", "/v1/automations/<automation_id>"): lambda w: (
        f"/v1/automations/{w.ok('POST', '/v1/automations', json=_automation_body(w))['id']}",
        _body({"enabled": False}),
    ),
    ("PATCH", "/v1/programs/<program_id>"): lambda w: (
        f"/v1/programs/{w.program_id}",
        _body({"name": w.unique("Renamed")}),
    ),
    ("POST", "/v1/cards"): lambda w: (
        "/v1/cards",
        _body({"program_id": w.program_id, "customer": {"email": "walk@example.com"}}),
    ),
    ("POST", "/v1/cards/<number>/stamps"): lambda w: (
        f"/v1/cards/{w.card()}/stamps",
        _body({"count": 1, "channel": "staff", "location": "main", "staff": "bar-1"}),
    ),
    ("POST", "/v1/cards/<number>/consent"): lambda w: (
        f"/v1/cards/{w.card()}/consent",
        _body({"email": {"granted": True, "source": "kiosk"}}),
    ),
    ("POST", "/v1/spins/<spin_id>/play"): lambda w: (f"/v1/spins/{w.spin()}/play", {}),
    ("POST", "/v1/sales"): lambda w: (
        "/v1/sales",
        _body(sale_body(w.unique("T"), program_id=w.program_id)),
    ),
    ("POST", "/v1/sales/<sale_id>/refunds"): lambda w: (
        f"/v1/sales/{w.sale()['id']}/refunds",
        _body({"refund_id": "R-1"}),
    ),
    ("POST", "/v1/vouchers"): lambda w: (
        "/v1/vouchers",
        _body({"reward": DESSERT_VOUCHER, "card_number": None, "reason": "goodwill"}),
    ),
    ("POST", "/v1/vouchers/<voucher_id>/assign"): lambda w: (
        f"/v1/vouchers/{w.voucher(DESSERT_VOUCHER, with_card=False)['id']}/assign",
        _body({"card_number": w.card()}),
    ),
    ("POST", "/v1/vouchers/<voucher_id>/redeem"): lambda w: (
        f"/v1/vouchers/{w.voucher(DESSERT_VOUCHER)['id']}/redeem",
        _body({"channel": "staff", "location": "main", "staff": "bar-1"}),
    ),
    ("POST", "/v1/vouchers/<voucher_id>/void"): lambda w: (
        f"/v1/vouchers/{w.voucher(DESSERT_VOUCHER)['id']}/void",
        {},
    ),
    ("POST", "/v1/codes/hold"): lambda w: (
        "/v1/codes/hold",
        _body({"code": w.code_voucher()["code"], "pos_transaction_id": "T-hold"}),
    ),
    ("DELETE", "/v1/holds/<hold_id>"): lambda w: (f"/v1/holds/{w.hold()}", {}),
    ("POST", "/v1/codes/redeem"): lambda w: (
        "/v1/codes/redeem",
        _body({"code": w.code_voucher()["code"], "location": "main"}),
    ),
    ("POST", "/v1/redemptions/<redemption_id>/rollback"): lambda w: (
        f"/v1/redemptions/{w.redemption()}/rollback",
        _body({"reason": "wrong customer"}),
    ),
    ("POST", "/v1/code-pools"): lambda w: ("/v1/code-pools", _body({"name": "POS coupons"})),
    ("POST", "/v1/code-pools/<pool_id>/codes"): lambda w: (
        f"/v1/code-pools/{w.pool()}/codes",
        _body({"codes": ["WALK-0001", "WALK-0002"]}),
    ),
    ("PATCH", "/v1/code-pools/<pool_id>"): lambda w: (
        f"/v1/code-pools/{w.coupon_pool()}",
        _body({"source": None}),
    ),
    ("POST", "/v1/code-pools/<pool_id>/sync"): lambda w: (
        f"/v1/code-pools/{w.coupon_pool()}/sync",
        {},
    ),
    ("POST", "/v1/connections"): lambda w: (
        "/v1/connections",
        _body(
            {
                **connection_body(w.syrve),
                "organization_id": w.organization(),
                "program_id": w.program_id,
            }
        ),
    ),
    ("PATCH", "/v1/connections/<connection_id>"): lambda w: (
        f"/v1/connections/{w.connection()['id']}",
        _body({"api_login": w.syrve.api_login}),  # sent again: sealed anew
    ),
    ("PUT", "/v1/connections/<connection_id>/locations"): lambda w: (
        f"/v1/connections/{w.connection()['id']}/locations",
        _body({"tg-kyiv": "main"}),
    ),
    ("PUT", "/v1/connections/<connection_id>/codes"): lambda w: (
        f"/v1/connections/{w.connection()['id']}/codes",
        _body({"coupon:1001": "FREEPIZZA9"}),
    ),
    ("POST", "/v1/connections/<connection_id>/register-webhook"): lambda w: (
        f"/v1/connections/{w.connection()['id']}/register-webhook",
        {},
    ),
    ("POST", "/v1/inbound-events/<event_id>/retry"): lambda w: (
        f"/v1/inbound-events/{w.failed_inbound_event()}/retry",
        {},
    ),
    ("POST", "/v1/webhook-endpoints"): lambda w: (
        "/v1/webhook-endpoints",
        _body({"url": "http://127.0.0.1:9/walk", "description": "walk"}),
    ),
    ("PATCH", "/v1/webhook-endpoints/<endpoint_id>"): lambda w: (
        f"/v1/webhook-endpoints/{w.endpoint()}",
        _body({"description": "renamed"}),
    ),
    ("DELETE", "/v1/webhook-endpoints/<endpoint_id>"): lambda w: (
        f"/v1/webhook-endpoints/{w.endpoint()}",
        {},
    ),
    ("POST", "/v1/webhook-endpoints/<endpoint_id>/rotate-secret"): lambda w: (
        f"/v1/webhook-endpoints/{w.endpoint()}/rotate-secret",
        {},
    ),
    ("POST", "/v1/webhook-endpoints/<endpoint_id>/test"): lambda w: (
        f"/v1/webhook-endpoints/{w.endpoint()}/test",
        {},
    ),
    ("POST", "/v1/webhook-endpoints/<endpoint_id>/recover"): lambda w: (
        f"/v1/webhook-endpoints/{w.endpoint()}/recover",
        _body({"since": "2026-01-01T00:00:00Z"}),
    ),
    ("POST", "/v1/deliveries/<delivery_id>/retry"): lambda w: (
        f"/v1/deliveries/{w.delivery()}/retry",
        {},
    ),
    ("PUT", "/v1/wallet/google"): lambda w: ("/v1/wallet/google", _body(_google_wallet())),
    ("DELETE", "/v1/wallet/google"): lambda w: (
        w.ok("PUT", "/v1/wallet/google", json=_google_wallet()) and "/v1/wallet/google",
        {},
    ),
    ("POST", "/v1/claim-batches"): lambda w: (
        "/v1/claim-batches",
        _body(
            {
                "program_id": w.program_id,
                "count": 3,
                "stamps": 1,
                "valid_until": "2099-01-01T00:00:00Z",
            }
        ),
    ),
}


def changing_routes(app: Flask) -> set[tuple[str, str]]:
    """(method, rule) of every state-changing route under the API prefixes."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(AUDITED_PREFIXES)
        for method in (rule.methods or set()) & CHANGING_METHODS
    }


def test_every_changing_route_has_a_case_or_an_exemption(app: Flask) -> None:
    routes = changing_routes(app)
    assert set(EXEMPT) <= routes, "an exemption names a route that no longer exists"
    assert routes - set(EXEMPT) == set(CASES), "add a case to CASES (or an exemption with a reason)"


def test_every_successful_change_leaves_an_audit_event(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    app = make_app(**syrve_settings(syrve))
    walk = Walk(app, syrve)
    unaudited = []
    for number, ((method, rule), case) in enumerate(sorted(CASES.items()), start=1):
        path, kwargs = case(walk)
        request_id = f"audit-walk-{number:04d}"
        headers = {"X-Request-Id": request_id, **kwargs.pop("headers", {})}
        if "Authorization" in headers:
            response = walk.api.client.open(path, method=method, headers=headers, **kwargs)
        else:
            response = walk.call(method, path, headers=headers, **kwargs)
        assert response.status_code < 300, (method, rule, response.get_json())
        with app.extensions["stampgate"].session_factory() as session:
            found = session.scalars(
                select(AuditEvent).where(AuditEvent.request_id == request_id)
            ).all()
        if not found:
            unaudited.append(f"{method} {rule}")
            continue
        template = rule.replace("<", "{").replace(">", "}")
        assert {row.operation for row in found} == {f"{method} {template}"}
    assert unaudited == [], "successful calls that left no audit event"
