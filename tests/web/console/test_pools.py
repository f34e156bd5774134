"""Code pools in the console: a CSV upload keeps good rows and lists bad ones by line."""

from __future__ import annotations

import io
from typing import Any

from tests.support.api import Api
from tests.support.codes import code_voucher, new_pool
from tests.support.console import Console
from tests.support.programs import nine_stamp_card


def _upload(console: Console, pool_id: str, text: str) -> Any:
    path = f"/console/code-pools/{pool_id}"
    console.get(path)
    return console.client.post(
        f"{path}/codes",
        data={"csrf_token": console.token(), "codes": (io.BytesIO(text.encode()), "codes.csv")},
        content_type="multipart/form-data",
    )


def test_an_upload_keeps_good_rows_and_lists_the_bad_ones(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    created = owner_console.submit(
        "/console/code-pools", {"name": "POS coupons"}, "/console/code-pools"
    )
    assert created.status_code == 302
    pool_id = created.headers["Location"].rsplit("/", 1)[1]
    answered = _upload(owner_console, pool_id, "code\nAAA-111\nbad\u0007code\nAAA-111\nBBB-222\n")
    html = answered.get_data(as_text=True)
    assert answered.status_code == 200
    assert "<strong>2</strong> codes added" in html
    assert "<td>3</td>" in html  # the control character's line
    assert "<td>4</td>" in html  # the duplicate's line
    pool = api.call("GET", f"/v1/code-pools/{pool_id}", merchant["api_key"]).get_json()
    assert pool["available"] == 2
    empty = owner_console.submit("/console/code-pools", {"name": " "}, "/console/code-pools")
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.get_data(as_text=True)


def test_a_programs_codes_download_as_csv(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    pool_id = new_pool(api, merchant, ["PZ-1", "PZ-2"])
    program = api.call(
        "POST",
        "/v1/programs",
        merchant["api_key"],
        json=nine_stamp_card(
            reward=code_voucher({"mode": "pool", "pool_id": pool_id}), milestones=[]
        ),
    ).get_json()
    card = api.call("POST", "/v1/cards", merchant["api_key"], json={"program_id": program["id"]})
    number = card.get_json()["number"]
    api.call(
        "POST",
        f"/v1/cards/{number}/stamps",
        merchant["api_key"],
        json={"count": 9, "channel": "api"},
    )
    exported = owner_console.get(f"/console/programs/{program['id']}/codes.csv")
    assert exported.status_code == 200
    assert exported.mimetype == "text/csv"
    lines = exported.get_data(as_text=True).splitlines()
    assert lines[0].startswith("code,status")
    assert any(line.startswith("PZ-") and number in line for line in lines[1:])


def test_another_merchants_pool_and_codes_are_not_found(
    owner_console: Console, api: Api, other_merchant: dict[str, Any]
) -> None:
    theirs = new_pool(api, other_merchant, ["X-1"])
    assert owner_console.get(f"/console/code-pools/{theirs}").status_code == 404
    owner_console.get("/console/code-pools")
    refused = owner_console.client.post(
        f"/console/code-pools/{theirs}/codes",
        data={"csrf_token": owner_console.token(), "codes": (io.BytesIO(b"Y-1\n"), "c.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 404
    program = api.call(
        "POST", "/v1/programs", other_merchant["api_key"], json=nine_stamp_card()
    ).get_json()
    assert owner_console.get(f"/console/programs/{program['id']}/codes.csv").status_code == 404
    assert (
        api.call("GET", f"/v1/code-pools/{theirs}", other_merchant["api_key"]).get_json()[
            "available"
        ]
        == 1
    )
