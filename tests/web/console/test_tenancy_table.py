"""Every console route that takes an id has a test where another merchant's id answers 404.

The table names that test; a new console route with an id fails here until it has one (the
console's counterpart of the API's tenancy table).
"""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask

HERE = Path(__file__).parent
# (test file, test) -> the console routes with an id it calls with another merchant's id.
CROSS_MERCHANT_TESTS = {
    ("test_cards_and_vouchers.py", "test_another_merchants_cards_and_vouchers_are_not_found"): (
        "/console/cards/<number>",
        "/console/cards/<number>/stamps",
        "/console/vouchers/<voucher_id>",
        "/console/vouchers/<voucher_id>/<any('qr.svg', 'barcode.svg'):picture>",
        "/console/vouchers/<voucher_id>/void",
    ),
    ("test_team_and_keys.py", "test_another_merchants_key_cannot_be_revoked"): (
        "/console/api-keys/<key_id>/revoke",
    ),
    ("test_team_and_keys.py", "test_users_of_another_merchant_are_out_of_reach"): (
        "/console/settings/users/<user_id>/remove",
    ),
    ("test_pools.py", "test_another_merchants_pool_and_codes_are_not_found"): (
        "/console/code-pools/<pool_id>",
        "/console/code-pools/<pool_id>/codes",
        "/console/programs/<program_id>/codes.csv",
    ),
    ("test_pool_sync.py", "test_another_merchants_pool_cannot_be_synced"): (
        "/console/code-pools/<pool_id>/sync",
        "/console/code-pools/<pool_id>/source",
    ),
    ("../scanner/test_seats.py", "test_another_merchants_seat_is_out_of_reach"): (
        "/console/settings/seats/<seat_id>",
        "/console/settings/seats/<seat_id>/link",
        "/console/settings/seats/<seat_id>/sign-out",
        "/console/settings/seats/<seat_id>/revoke",
    ),
    ("test_claim_batches.py", "test_another_merchants_batch_sheet_is_not_found"): (
        "/console/claim-batches/<batch_id>/sheet",
    ),
    ("test_programs.py", "test_another_merchants_program_is_not_found"): (
        "/console/programs/<program_id>",
    ),
    ("test_pos.py", "test_another_merchants_connection_and_event_answer_404_everywhere"): (
        "/console/pos/connections/<connection_id>",
        "/console/pos/connections/<connection_id>/locations",
        "/console/pos/connections/<connection_id>/codes",
        "/console/pos/connections/<connection_id>/register-webhook",
        "/console/pos/connections/<connection_id>/api-login",
        "/console/pos/events/<event_id>/retry",
    ),
    ("test_campaigns.py", "test_another_merchants_campaign_is_not_found"): (
        "/console/campaigns/<campaign_id>",
        "/console/campaigns/<campaign_id>/cancel",
    ),
    ("test_automations.py", "test_an_automation_is_created_paused_and_resumed"): (
        "/console/automations/<automation_id>",
        "/console/automations/<automation_id>/enabled",
    ),
    # This one walks every /console/webhooks/ route with an id itself.
    (
        "test_webhooks.py",
        "test_another_merchants_endpoint_and_delivery_answer_404_on_every_route",
    ): (),
}
# Routes with an argument that names no merchant's object, and why.
NOT_SCOPED = {
    "/console/static/<path:filename>": "the console's own CSS, JS and icon",
    "/console/set-password/<token>": "a signed one-time token; a used or forged one is 404",
}
WEBHOOK_ROUTES = "/console/webhooks/"  # walked by the test_webhooks.py entry above


def _defined(file_name: str, function: str) -> bool:
    tree = ast.parse((HERE / file_name).read_text())
    return any(
        isinstance(node, ast.FunctionDef) and node.name == function for node in ast.walk(tree)
    )


def test_every_console_route_with_an_id_has_its_cross_merchant_test(app: Flask) -> None:
    rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/console/") and rule.arguments
    }
    walked = {rule for rule in rules if rule.startswith(WEBHOOK_ROUTES)}
    assert walked, "the webhook pages have routes with ids"
    covered = {rule for routes in CROSS_MERCHANT_TESTS.values() for rule in routes}
    assert rules - walked == covered | set(NOT_SCOPED)
    for file_name, function in CROSS_MERCHANT_TESTS:
        assert _defined(file_name, function), f"{file_name}::{function} does not exist"
