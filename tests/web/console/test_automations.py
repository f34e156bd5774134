"""The console's Automations page: the create form with the API's checks beside each field,
the list with results and Pause / Resume, tenancy and roles."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.console import Console

NEW = "/console/automations/new"
LIST = "/console/automations"


def _form(program_id: str, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "program_id": program_id,
        "name": "We miss you",
        "trigger-kind": "win_back",
        "trigger-days": "30",
        "channels": ["wallet"],
        "push_text": "Coffee's waiting ☕",
        "message_text": "",
        "voucher-type": "",
    }
    return {**form, **changes}


def _program_of(api: Api, merchant: dict[str, Any]) -> str:
    number = new_card(api, merchant)
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    program_id: str = card["program_id"]
    return program_id


def test_an_automation_is_created_paused_and_resumed(
    owner_console: Console, api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    program_id = _program_of(api, merchant)
    cases = {
        "push_text": _form(program_id, push_text="Twenty-one characters"),
        "trigger-days": _form(program_id, **{"trigger-days": "0"}),
        "message_text": _form(program_id, channels=["email"]),
        "name": _form(program_id, name=""),
    }
    for field, form in cases.items():
        refused = owner_console.submit(NEW, form, NEW)
        assert refused.status_code == 422, field
        assert f'id="{field}-error"' in refused.get_data(as_text=True), field
    key = merchant["api_key"]
    assert api.call("GET", "/v1/automations", key).get_json()["items"] == []
    created = owner_console.submit(NEW, _form(program_id), NEW)
    assert created.status_code == 302
    (made,) = api.call("GET", "/v1/automations", key).get_json()["items"]
    assert made["trigger"] == {"kind": "win_back", "days": 30}
    listed = owner_console.get(LIST).get_data(as_text=True)
    assert "No visit for a number of days (win-back) (30 days)" in listed
    assert "Pause “We miss you”" in listed
    toggle = f"{LIST}/{made['id']}/enabled"
    owner_console.submit(toggle, {"enabled": "no"}, LIST)
    assert api.call("GET", f"/v1/automations/{made['id']}", key).get_json()["enabled"] is False
    assert "Resume “We miss you”" in owner_console.get(LIST).get_data(as_text=True)
    owner_console.submit(toggle, {"enabled": "yes"}, LIST)
    assert api.call("GET", f"/v1/automations/{made['id']}", key).get_json()["enabled"] is True
    edit = f"{LIST}/{made['id']}"
    assert 'value="We miss you"' in owner_console.get(edit).get_data(as_text=True)
    too_long = owner_console.submit(edit, _form(program_id, push_text="Twenty-one characters"))
    assert 'id="push_text-error"' in too_long.get_data(as_text=True)
    owner_console.submit(edit, _form(program_id, name="Come back", **{"trigger-days": "45"}), edit)
    changed = api.call("GET", f"/v1/automations/{made['id']}", key).get_json()
    assert (changed["name"], changed["trigger"]["days"]) == ("Come back", 45)
    # Another merchant's automation cannot be paused from here.
    theirs = _form(_program_of(api, other_merchant))
    body = {
        "program_id": theirs["program_id"],
        "name": "Theirs",
        "trigger": {"kind": "birthday"},
        "channels": ["wallet"],
        "push_text": "Hi",
    }
    other = api.call("POST", "/v1/automations", other_merchant["api_key"], json=body).get_json()
    refused = owner_console.submit(f"{LIST}/{other['id']}/enabled", {"enabled": "no"}, LIST)
    assert refused.status_code == 404
    assert owner_console.get(f"{LIST}/{other['id']}").status_code == 404
    assert owner_console.submit(f"{LIST}/{other['id']}", theirs, LIST).status_code == 404
    assert "Theirs" not in owner_console.get(LIST).get_data(as_text=True)
    assert api.call("GET", f"/v1/automations/{other['id']}", other_merchant["api_key"]).get_json()[
        "enabled"
    ]
