"""The guides of /docs: served from the package's Markdown under the strict policy, linked
with the reference both ways, and what they tell an integrator works as written."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from gateway.api.guide_pages import GUIDE_FILES, GUIDES, render_markdown
from tests.support.api import Api
from tests.support.receiver import Receiver, running_receiver
from webhooks.deliver import Deliverer, drain

LOOPBACK = ("127.0.0.0/8",)
DOCUMENTED_BASE = "http://127.0.0.1:8000"
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def code_blocks(name: str, language: str) -> list[str]:
    """The guide's fenced code blocks in ``language``, in order."""
    text = (GUIDE_FILES / f"{name}.md").read_text()
    return [body for lang, body in _FENCE.findall(text) if lang == language]


@pytest.mark.parametrize("name", GUIDES)
def test_each_guide_is_a_page_linked_with_the_reference(client: FlaskClient, name: str) -> None:
    page = client.get(f"/docs/{name}")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = page.get_data(as_text=True)
    assert f"<h1>{GUIDES[name]}</h1>" in html
    assert "<script" not in html
    assert 'href="/docs/swagger"' in html
    reference = client.get("/docs/swagger").get_data(as_text=True)
    assert f'href="/docs/{name}"' in reference
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheet is not None
    with client.get(stylesheet[1]) as served:
        assert served.status_code == 200


def test_raw_html_in_markdown_is_shown_as_text() -> None:
    html = render_markdown(
        '# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n"
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


@pytest.fixture
def live_base(make_app: Callable[..., Flask]) -> Iterator[tuple[str, Flask]]:
    """The gateway over real HTTP (as ``make run`` serves it, loopback webhooks allowed)."""
    app = make_app(webhook_allowed_networks=LOOPBACK)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(5)


def test_the_getting_started_commands_work_as_written(
    live_base: tuple[str, Flask], tmp_path: Path
) -> None:
    base, app = live_base
    api = Api(app.test_client(), "test-admin-token")
    demo = api.create_merchant("Demo Coffee")  # what make run creates
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "demo-api-key").write_text(demo["api_key"] + "\n")
    blocks = [block for block in code_blocks("getting-started", "sh") if "make run" not in block]
    assert len(blocks) >= 6
    # Every request must succeed: curl fails on any error answer here.
    script = 'curl() { command curl --fail-with-body "$@"; }\n' + "\n".join(blocks)
    done = subprocess.run(  # our own guide's commands, against our own test server
        ["/bin/bash", "-euo", "pipefail", "-c", script.replace(DOCUMENTED_BASE, base)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    key = demo["api_key"]
    (card,) = api.call("GET", "/v1/cards?phone=%2B380501111111", key).get_json()["items"]
    assert card["stamps"] == 0  # five coffees: the goal was reached, the next cycle began
    (voucher,) = api.call("GET", f"/v1/vouchers?card={card['number']}", key).get_json()["items"]
    assert voucher["status"] == "redeemed"
    (endpoint,) = api.call("GET", "/v1/webhook-endpoints", key).get_json()["items"]
    assert endpoint["url"] == "http://127.0.0.1:9000/stampgate"
    assert '"status":"redeemed"' in done.stdout.replace(" ", "")


def _guide_functions() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    for block in code_blocks("verifying-webhooks", "python"):
        exec(compile(block, "verifying-webhooks.md", "exec"), namespace)  # noqa: S102 - our guide
    return namespace


def _deliveries(app: Flask, receiver: Receiver, count: int) -> list[Any]:
    ext = app.extensions["stampgate"]
    drain(Deliverer(ext.settings, ext.session_factory))
    return receiver.wait_for(count)


def test_the_webhook_examples_verify_a_real_delivery(make_app: Callable[..., Flask]) -> None:
    guide = _guide_functions()
    is_from_gateway, receive = guide["is_from_gateway"], guide["receive"]
    app = make_app(webhook_allowed_networks=LOOPBACK, webhook_retry_schedule=(0, 0))
    api = Api(app.test_client(), "test-admin-token")
    key = api.create_merchant("Hooked Cafe")["api_key"]
    with running_receiver() as receiver:
        created = api.call("POST", "/v1/webhook-endpoints", key, json={"url": receiver.url})
        endpoint, secret = created.get_json()["id"], created.get_json()["secret"]
        api.call("POST", f"/v1/webhook-endpoints/{endpoint}/test", key)
        (first,) = _deliveries(app, receiver, 1)
        headers = {name.lower(): value for name, value in first.headers.items()}
        assert is_from_gateway(secret, headers, first.body)
        assert receive(secret, headers, first.body)["type"] == "webhook.test"
        assert not is_from_gateway(secret, headers, first.body + b" ")
        other = api.call("POST", "/v1/webhook-endpoints", key, json={"url": receiver.url})
        assert not is_from_gateway(other.get_json()["secret"], headers, first.body)
        assert receive(other.get_json()["secret"], headers, first.body) is None
        # During the grace period after a rotation both secrets verify.
        rotated = api.call("POST", f"/v1/webhook-endpoints/{endpoint}/rotate-secret", key)
        api.call("POST", f"/v1/webhook-endpoints/{endpoint}/test", key)
        second = _deliveries(app, receiver, 2)[1]
        headers = {name.lower(): value for name, value in second.headers.items()}
        assert len(headers["webhook-signature"].split(" ")) == 2
        for valid in (secret, rotated.get_json()["secret"]):
            assert is_from_gateway(valid, headers, second.body)
            assert receive(valid, headers, second.body) is not None
