"""Delivery inserts in the console: a batch made from the form, its printable sheet."""

from __future__ import annotations

import re
from typing import Any

from gateway.tenancy.models import User
from tests.support.api import Api
from tests.support.claims import make_program
from tests.support.console import Console, make_user

PAGE = "/console/claim-batches"


def _form(program_id: str, **changes: str) -> dict[str, str]:
    return {
        "program_id": program_id,
        "count": "4",
        "stamps": "2",
        "valid_until": "2099-03-31",
        **changes,
    }


def test_a_batch_is_made_and_its_sheet_prints_a_qr_per_insert(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program = make_program(api, merchant)
    made = owner_console.submit(PAGE, _form(program["id"]), PAGE)
    assert made.status_code == 302
    listed = owner_console.get(PAGE).get_data(as_text=True)
    assert "4 inserts are ready" in listed
    batch = api.call("GET", "/v1/claim-batches", merchant["api_key"]).get_json()["items"][0]
    assert (batch["count"], batch["stamps"]) == (4, 2)
    assert batch["valid_until"].startswith("2099-03-31T2")  # 23:59:59 in Kyiv, in UTC
    sheet_path = f"{PAGE}/{batch['id']}/sheet"
    assert sheet_path in listed
    sheet = owner_console.get(sheet_path)
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200
    assert html.count("<svg") == 4
    inserts = api.call("GET", f"/v1/claim-batches/{batch['id']}/inserts", merchant["api_key"])
    links = {insert["claim_url"] for insert in inserts.get_json()["items"]}
    assert set(re.findall(r'class="insert-link">([^<]+)<', html)) == links
    assert "style=" not in html
    assert "<script" not in html


def test_a_wrong_field_is_said_beside_it_and_nothing_is_made(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program = make_program(api, merchant)
    for changes, field in (
        ({"count": "5000"}, "count"),
        ({"stamps": "none"}, "stamps"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
        ({"valid_until": "soon"}, "valid_until"),
        ({"program_id": "prg_nope"}, "program_id"),
    ):
        refused = owner_console.submit(PAGE, {**_form(program["id"]), **changes}, PAGE)
        assert refused.status_code == 422, changes
        assert f'id="{field}-error"' in refused.get_data(as_text=True), changes
    assert api.call("GET", "/v1/claim-batches", merchant["api_key"]).get_json()["items"] == []


def test_another_merchants_batch_sheet_is_not_found(
    owner_console: Console, api: Api, other_merchant: dict[str, Any]
) -> None:
    program = make_program(api, other_merchant)
    body = {
        "program_id": program["id"],
        "count": 1,
        "stamps": 1,
        "valid_until": "2099-01-01T00:00:00Z",
    }
    theirs = api.call("POST", "/v1/claim-batches", other_merchant["api_key"], json=body).get_json()
    assert owner_console.get(f"{PAGE}/{theirs['id']}/sheet").status_code == 404


def test_staff_cannot_open_the_inserts(
    console: Console, app: Any, merchant: dict[str, Any]
) -> None:
    staff: User = make_user(app, merchant["id"], "bar@cafe.example", role="staff")
    console.log_in(staff.email)
    assert console.get(PAGE).status_code == 403
