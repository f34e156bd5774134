"""Pass pushes through Redis and rq: the web process commits a stamp and wakes the push
queue; an rq worker (in this process, burst mode) takes the job and pushes to the fake APNs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from rq import SimpleWorker

from gateway.wallet.apple.jobs import PUSHES_QUEUE, PUSHES_WAKEUP, install_worker
from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.fake_apns import FakeApns, running_apns
from tests.support.pkpass import download, pass_json
from tests.support.services import REDIS_URL, redis_client
from tests.support.wallet_certs import PASS_TYPE_ID, chain


@pytest.fixture
def apns(tmp_path: Path) -> Iterator[FakeApns]:
    with running_apns(tmp_path) as fake:
        yield fake


def test_an_rq_worker_pushes_a_stamped_card_to_its_device(
    make_app: Callable[..., Flask], apns: FakeApns
) -> None:
    redis = redis_client()
    redis.delete(PUSHES_WAKEUP.key, f"rq:queue:{PUSHES_QUEUE}")
    app = make_app(redis_url=REDIS_URL, apns_url=apns.url, apns_ca_file=apns.ca_file)
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    key = api.create_merchant("Worker Cafe")["api_key"]
    assert api.call("PUT", "/v1/wallet/apple", key, json=chain().body()).status_code == 200
    number = new_card(api, {"api_key": key})
    card = api.call("GET", f"/v1/cards/{number}", key).get_json()
    document = pass_json(download(api.client, card["apple_pass_url"]))
    registered = api.client.post(
        f"/wallet/apple/v1/devices/phone/registrations/{PASS_TYPE_ID}/{card['id']}",
        json={"pushToken": "worker-token"},
        headers={"Authorization": f"ApplePass {document['authenticationToken']}"},
    )
    assert registered.status_code == 201
    stamp = {"count": 1, "channel": "staff", "location": "main", "staff": "bar-1"}
    assert api.call("POST", f"/v1/cards/{number}/stamps", key, json=stamp).status_code == 200
    committed = time.monotonic()
    assert redis.exists(PUSHES_WAKEUP.key)  # the commit woke the queue
    install_worker(app.extensions["stampgate"].settings, redis)
    SimpleWorker([PUSHES_QUEUE], connection=redis).work(burst=True, logging_level="WARNING")
    (push,) = apns.wait_for(1)
    assert push.path == "/3/device/worker-token"
    assert push.topic == PASS_TYPE_ID
    redis.close()
    print(f"commit to push through an rq job: {(push.at - committed) * 1000:.0f} ms")
