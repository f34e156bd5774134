"""Export of issued codes (HTTP and CLI), pool imports and bulk goodwill from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from gateway.cli import main
from gateway.models import Voucher
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, new_card, new_pool, post
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The commands run against the test database."""
    monkeypatch.setenv("STAMPGATE_DATABASE_URL", database_url)
    return database_url


def _program(api: Api, merchant: dict[str, Any], reward: dict[str, Any]) -> str:
    body = nine_stamp_card(stamps_goal=1, reward=reward, milestones=[])
    program_id: str = post(api, merchant, "/v1/programs", body).get_json()["id"]
    return program_id


def _earn(api: Api, merchant: dict[str, Any], number: str, count: int) -> list[dict[str, Any]]:
    stamped = post(api, merchant, f"/v1/cards/{number}/stamps", {"count": count, "channel": "api"})
    return [reward["voucher"] for reward in stamped.get_json()["rewards"]]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_lists_issued_codes_with_their_status(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    program_id = _program(api, merchant, code_voucher(UNIQUE))
    number = new_card(api, merchant, program_id)
    vouchers = _earn(api, merchant, number, 3)
    post(api, merchant, "/v1/codes/redeem", {"code": vouchers[1]["code"]})
    response = api.call("GET", f"/v1/programs/{program_id}/codes.csv", merchant["api_key"])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response.get_data(as_text=True))
    assert [(r["code"], r["status"], r["card_number"]) for r in rows] == [
        (vouchers[0]["code"], "active", number),
        (vouchers[1]["code"], "redeemed", number),
        (vouchers[2]["code"], "active", number),
    ]
    assert {r["mode"] for r in rows} == {"unique"}
    theirs = api.call("GET", f"/v1/programs/{program_id}/codes.csv", other_merchant["api_key"])
    assert_problem(theirs, 404, "not_found")


def test_the_cli_imports_exports_and_issues_in_bulk(
    app: Flask, api: Api, merchant: dict[str, Any], cli_database: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    pool_id = new_pool(api, merchant)
    codes_file = tmp_path / "codes.csv"
    codes_file.write_text("code\nPOS-1\nPOS-2\npos-1\n\n" + "X" * 70 + "\nPOS-3\n")
    imported = runner.invoke(main, ["codes", "import", str(codes_file), "--pool", pool_id])
    assert imported.exit_code == 0, imported.output
    assert "added 3 codes, skipped 1, rejected 1" in imported.stdout
    assert "line 4: skipped duplicate" in imported.stderr
    assert "line 6: rejected too_long" in imported.stderr

    program_id = _program(api, merchant, code_voucher({"mode": "pool", "pool_id": pool_id}))
    numbers = [new_card(api, merchant, program_id) for _ in range(2)]
    cards_file = tmp_path / "cards.txt"
    cards_file.write_text(f"card_number\n{numbers[0]}\n000000000000\n{numbers[1]}\n")
    issued = runner.invoke(
        main, ["vouchers", "issue", "--program", program_id, "--cards", str(cards_file)]
    )
    assert issued.exit_code == 0, issued.output
    assert "issued 2 vouchers, 1 failed" in issued.stdout
    assert "line 3: '000000000000' unknown_card" in issued.stderr
    with app.extensions["stampgate"].session_factory() as session:
        given = session.scalars(select(Voucher).order_by(Voucher.id)).all()
        assert [(v.code, v.reason, v.source_kind) for v in given] == [
            ("POS-1", "goodwill", "manual"),
            ("POS-2", "goodwill", "manual"),
        ]

    exported = runner.invoke(main, ["codes", "export", program_id])
    assert exported.exit_code == 0, exported.output
    assert [r["code"] for r in _rows(exported.stdout)] == ["POS-1", "POS-2"]
    assert "exported 2 codes" in exported.stderr
    missing = runner.invoke(main, ["codes", "import", str(codes_file), "--pool", "cpl_nope"])
    assert missing.exit_code != 0


def test_bulk_issue_takes_a_reward_file(
    app: Flask, api: Api, merchant: dict[str, Any], cli_database: str, tmp_path: Path
) -> None:
    program_id = _program(api, merchant, {"type": "award", "description": "Coffee"})
    number = new_card(api, merchant, program_id)
    other = new_card(api, merchant)
    cards_file = tmp_path / "cards.txt"
    cards_file.write_text(f"{number}\n{other}\n")
    args = ["vouchers", "issue", "--program", program_id, "--cards", str(cards_file)]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code != 0
    assert "pass --reward" in refused.output
    reward_file = tmp_path / "reward.json"
    reward_file.write_text(json.dumps(code_voucher(UNIQUE)))
    issued = CliRunner().invoke(main, [*args, "--reward", str(reward_file)])
    assert "issued 1 vouchers, 1 failed" in issued.stdout
    assert "other_program" in issued.stderr
