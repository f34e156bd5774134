"""The spec's test: a Python client generated from the served ``/openapi.json`` without a single
warning drives the main flow against a real server, and nothing else is used to talk to it."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import pkgutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Server, gateway_command
from tests.support.programs import FREE_PIZZA
from tests.support.receiver import running_receiver

pytestmark = pytest.mark.e2e
ADMIN = "client-admin-token"
PACKAGE = "stampgate_client"
# Generator settings, not changes to the spec: no formatter run on the output, and the binary
# bodies (QR and barcode images, CSV uploads) read and sent as bytes. openapi-python-client
# knows only JSON, text, form and octet-stream bodies; these keep their real media types.
GENERATOR_CONFIG = {
    "post_hooks": [],
    "content_type_overrides": {
        "image/png": "application/octet-stream",
        "image/svg+xml": "application/octet-stream",
        "text/csv": "application/octet-stream",
    },
}


def _generate(document: dict[str, Any], directory: Path) -> str:
    """Run ``openapi-python-client generate``; its whole output (which must hold no warning)."""
    spec, config = directory / "openapi.json", directory / "generator.json"
    spec.write_text(json.dumps(document))
    config.write_text(json.dumps(GENERATOR_CONFIG))
    generator = Path(sys.executable).with_name("openapi-python-client")
    command = [str(generator), "generate", "--path", str(spec), "--config", str(config)]
    finished = subprocess.run(
        [*command, "--output-path", str(directory / PACKAGE), "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output
    return output


@pytest.fixture
def client_package(
    start_server: Callable[..., Server], tmp_path: Path
) -> Iterator[tuple[ModuleType, Server]]:
    """A server of its own (SQLite, embedded delivery), and the client generated from it."""
    env = {
        "STAMPGATE_DATABASE_URL": f"sqlite:///{tmp_path}/stampgate.db",
        "STAMPGATE_ADMIN_TOKEN": ADMIN,
        "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "STAMPGATE_REDIS_URL": "",
        "STAMPGATE_EMBEDDED_DISPATCHER": "true",
    }
    upgrade = gateway_command("db", "upgrade")
    subprocess.run(upgrade, env={**os.environ, **env}, cwd=tmp_path, check=True, timeout=60)
    server = start_server(env, workers=1)
    document = requests.get(f"{server.base_url}/openapi.json", timeout=10).json()
    output = _generate(document, tmp_path)
    warnings = [line for line in output.splitlines() if "warning" in line.lower()]
    assert not warnings, output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE), server
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def _operation(package: ModuleType, name: str) -> ModuleType:
    """The generated module of one operation (``api/<tag>/<operation id>.py``)."""
    api = importlib.import_module(f"{package.__name__}.api")
    for tag in pkgutil.iter_modules(api.__path__):
        if importlib.util.find_spec(f"{api.__name__}.{tag.name}.{name}") is not None:
            return importlib.import_module(f"{api.__name__}.{tag.name}.{name}")
    raise AssertionError(f"no generated operation {name}")


def test_a_generated_client_runs_the_main_flow(
    client_package: tuple[ModuleType, Server],
) -> None:
    package, server = client_package
    models = importlib.import_module(f"{package.__name__}.models")

    def call(name: str, client: Any, status: int, **arguments: Any) -> Any:
        response = _operation(package, name).sync_detailed(client=client, **arguments)
        assert response.status_code == status, response.content
        assert response.parsed is not None, name
        return response.parsed

    with package.AuthenticatedClient(base_url=server.base_url, token=ADMIN) as admin:
        merchant = call(
            "create_merchant",
            admin,
            201,
            body=models.MerchantCreate(name="Cafe Aroma", currency="EUR", timezone="Europe/Kyiv"),
        )
    with (
        package.AuthenticatedClient(base_url=server.base_url, token=merchant.api_key) as api,
        running_receiver() as receiver,
    ):
        endpoint = call(
            "create_webhook_endpoint",
            api,
            201,
            body=models.EndpointCreate(url=receiver.url, event_types=["voucher.redeemed"]),
        )
        program = call(
            "create_program",
            api,
            201,
            body=models.ProgramCreate.from_dict(
                {
                    "name": "Pizza card",
                    "stamps_goal": 3,
                    "reward": FREE_PIZZA,
                    "rules": [{"kind": "per_sale", "stamps": 1}],
                }
            ),
        )
        assert isinstance(program.reward, models.VoucherReward)
        assert isinstance(program.rules[0], models.PerSaleRule)
        card = call(
            "enrol_card", api, 201, body=models.CardCreate.from_dict({"program_id": program.id})
        )
        rewards = []
        for index in range(3):
            sale = models.PosSale.from_dict(
                {
                    "transaction_id": f"T-{index}",
                    "closed_at": "2026-11-22T10:00:00Z",
                    "currency": "EUR",
                    "total": 900,
                    "customer": {"card_number": card.number},
                }
            )
            outcome = call("record_sale", api, 201, body=sale)
            assert outcome.stamps_added == 1
            rewards += outcome.rewards
        (granted,) = rewards
        assert isinstance(granted, models.VoucherGranted)
        assert granted.voucher.code == "FREEPIZZA9"
        read = call("get_card", api, 200, number=card.number)
        assert (read.stamps, read.cycle) == (0, 2)
        redeemed = call(
            "redeem_code",
            api,
            200,
            body=models.CodeRedeem.from_dict({"code": "FREEPIZZA9", "card_number": card.number}),
        )
        assert redeemed.status == models.VoucherOutStatus.REDEEMED
        (delivered,) = receiver.wait_for(1)
        assert json.loads(delivered.body)["data"]["voucher_id"] == granted.voucher.id
        deadline = time.monotonic() + 10
        while True:  # the attempt is recorded right after the receiver answered
            log = call("list_endpoint_deliveries", api, 200, endpoint_id=endpoint.id)
            if (log.items and log.items[0].status == "succeeded") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        (delivery,) = log.items
        assert delivery.status == "succeeded"
        assert delivery.event_type == "voucher.redeemed"
