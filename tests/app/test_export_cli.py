"""``stampgate export cards|sales``: the API's CSV in a file, progress only on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gateway.cli import main
from tests.support.api import Api
from tests.support.codes import post
from tests.support.programs import nine_stamp_card
from tests.support.sales import sale_body


@pytest.fixture
def shop(api: Api, merchant: dict[str, Any], database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A merchant with three sales (two customers, two locations); the command reads its DB."""
    monkeypatch.setenv("STAMPGATE_DATABASE_URL", database_url)
    program_id = post(api, merchant, "/v1/programs", nine_stamp_card()).get_json()["id"]
    for phone, location in (
        ("+380501110001", "main"),
        ("+380501110002", "bar"),
        ("+380501110001", "bar"),
    ):
        body = sale_body(
            f"T-{uuid.uuid4().hex}",
            program_id=program_id,
            location=location,
            customer={"phone": phone},
        )
        assert post(api, merchant, "/v1/sales", body).status_code == 201
    return merchant


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args], catch_exceptions=False)


def _http_csv(api: Api, merchant: dict[str, Any], path: str, **query: Any) -> str:
    response = api.call("GET", path, merchant["api_key"], query_string=query)
    assert response.status_code == 200
    text: str = response.get_data(as_text=True)
    return text


def test_the_file_holds_the_csv_of_the_api(api: Api, shop: dict[str, Any], tmp_path: Path) -> None:
    cards, sales = tmp_path / "cards.csv", tmp_path / "sales.csv"
    result = _run("cards", "--merchant", shop["id"], "--output", str(cards))
    assert result.exit_code == 0, result.output
    assert result.stderr == "exported 2 cards\n"  # no progress bar: stderr is no terminal
    assert cards.read_bytes().decode() == _http_csv(api, shop, "/v1/cards/export.csv")
    result = _run("sales", "--merchant", shop["id"], "-o", str(sales), "--location", "bar")
    assert result.exit_code == 0, result.output
    assert result.stderr == "exported 2 sales\n"
    text = sales.read_bytes().decode()
    assert text == _http_csv(api, shop, "/v1/sales/export.csv", location="bar")
    assert text.count("\r\n") == 3
    assert text.startswith("id,source,transaction_id,")


def test_quiet_writes_nothing_but_the_csv(shop: dict[str, Any]) -> None:
    result = _run("cards", "--merchant", shop["id"], "--quiet", "--has-active-voucher", "false")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    written = result.stdout_bytes.decode()
    assert written.startswith("id,number,program_id,")
    assert written.count("\r\n") == 3


def test_filters_are_checked_as_the_api_checks_them(shop: dict[str, Any]) -> None:
    naive = _run("sales", "--merchant", shop["id"], "--closed-after", "2026-11-01T00:00:00")
    assert naive.exit_code == 2
    assert "--closed-after: closed_after has no UTC offset" in naive.stderr
    backwards = _run(
        "cards",
        "--merchant",
        shop["id"],
        "--created-after",
        "2026-12-02T00:00:00Z",
        "--created-before",
        "2026-12-01T00:00:00Z",
    )
    assert backwards.exit_code == 2
    assert "--created-after must be earlier than --created-before" in backwards.stderr
    unknown = _run("cards", "--merchant", "mer_nope")
    assert unknown.exit_code == 1
    assert "merchant not found" in unknown.stderr
    no_card = _run("sales", "--merchant", shop["id"], "--card", "000000000000")
    assert no_card.exit_code == 1
    assert "card not found" in no_card.stderr


def _on_a_terminal(tmp_path: Path, *args: str) -> tuple[str, str]:
    """Run the command with stderr on a pseudo-terminal: (what stderr showed, the file)."""
    output = tmp_path / f"{uuid.uuid4().hex}.csv"
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "export", *args, "--output", str(output)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "100"},
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=60) == 0, shown
    return shown.decode(errors="replace"), output.read_bytes().decode()


def test_a_terminal_shows_the_progress_bar_unless_quiet(
    shop: dict[str, Any], tmp_path: Path
) -> None:
    shown, written = _on_a_terminal(tmp_path, "sales", "--merchant", shop["id"])
    assert "exporting" in shown
    assert "100%" in shown
    assert "exported 3 sales" in shown
    assert written.count("\r\n") == 4
    quiet, written = _on_a_terminal(tmp_path, "sales", "--merchant", shop["id"], "--quiet")
    assert quiet == ""
    assert written.count("\r\n") == 4
