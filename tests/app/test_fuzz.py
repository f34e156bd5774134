"""Fuzzing the served OpenAPI document with schemathesis, on PostgreSQL, with two merchants as
peers: no 5xx, every response as documented, and one merchant's objects are 404 to the other.

Bounded and reproducible: a few examples per operation and plan, drawn derandomized, no
shrinking (a failure is reported as found, with the curl to reproduce it).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from gateway import create_app, migrate
from gateway.config import Settings
from tests.support.api import Api, bearer
from tests.support.fake_poster import running_poster
from tests.support.fuzz_world import Tenant, seed_tenant
from tests.support.services import fresh_postgres_database

pytestmark = pytest.mark.postgres_only

AnyCase = Case[Any]
Operation = APIOperation[Any, Any, Any, Any]
ADMIN = "fuzz-admin-token"
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation: generated from the schema (valid, then invalid inputs), and with the
# path naming the first merchant's own objects (sent first as the other merchant).
EXAMPLES = {
    name: int(os.environ.get(f"FUZZ_{name.upper()}", default))
    for name, default in {"positive": 4, "negative": 3, "owned": 3}.items()
}
# What the peer may answer for another merchant's object: not found, or a refusal of the
# request itself that comes before any lookup.
PEER_STATUSES = {400, 404, 413, 415, 422}


@dataclass
class FuzzWorld:
    """The app under test, its schema and the two merchants."""

    app: Flask
    schema: OpenApiSchema
    owner: Tenant
    peer: Tenant


@pytest.fixture(scope="module")
def world() -> Iterator[FuzzWorld]:
    with running_poster() as poster, fresh_postgres_database() as url:
        migrate.upgrade(url)
        app = create_app(
            Settings(
                database_url=url,
                admin_token=ADMIN,
                secret_key="fuzz-secret",
                redis_url=None,
                embedded_dispatcher=False,
                webhook_allowed_networks=("127.0.0.0/8",),
                pos_retry_backoff=0.0,
                pos_timeout=2.0,
                poster_api_url=poster.base_url,
                # Invalid inputs include bad keys: the address would soon be refused as a
                # guesser (tests/test_rate_limits.py tests that), and the API not explored.
                limit_auth_failures="100000/minute",
            )
        )
        try:
            api = Api(app.test_client(), ADMIN)
            owner = seed_tenant(api, "A", "cafe-a", poster.base_url)
            peer = seed_tenant(api, "B", "cafe-b", poster.base_url)
            schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
            yield FuzzWorld(app, schema, owner, peer)
        finally:
            app.extensions["stampgate"].close()


class Fuzzer:
    """Runs bounded plans per operation and collects every failure instead of stopping."""

    def __init__(self, world: FuzzWorld) -> None:
        self.world = world
        self.failures: list[str] = []
        self.requests: Counter[str] = Counter()

    def token_for(self, operation: Operation) -> str:
        """The credential an operation is meant to be called with."""
        if operation.path.startswith("/admin/"):
            return ADMIN
        return self.world.owner.key

    def call(self, case: AnyCase, token: str) -> Response:
        """Send a case with the given bearer token and count it."""
        self.requests[case.operation.label] += 1
        return case.call(headers=bearer(token))

    def send(self, case: AnyCase) -> None:
        """Send as the operation's own caller and check the response."""
        response = self.call(case, self.token_for(case.operation))
        case.validate_response(response, checks=CHECKS)

    def send_as_peer_then_owner(self, case: AnyCase) -> None:
        """The peer first (it must not see or change the object), then the owner."""
        # A key the peer used before answers 409 before any lookup, by design (keys are per
        # merchant); the plans above fuzz the header.
        if case.headers:
            case.headers.pop("Idempotency-Key", None)
        seen = self.call(case, self.world.peer.key)
        case.validate_response(seen, checks=CHECKS)
        owner = self.call(case, self.world.owner.key)
        case.validate_response(owner, checks=CHECKS)
        leaked = seen.status_code not in PEER_STATUSES or (
            200 <= owner.status_code < 300 and seen.status_code != 404
        )
        assert not leaked, (
            f"{case.operation.label} on the owner's {case.path_parameters}: "
            f"peer got {seen.status_code} {seen.text[:300]}, owner got {owner.status_code}"
        )

    def run(
        self,
        operation: Operation,
        name: str,
        strategy: SearchStrategy[AnyCase],
        send: Callable[[AnyCase], None],
    ) -> None:
        """Draw ``EXAMPLES[name]`` cases and send each; a failure is recorded, not raised."""

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES[name],
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: AnyCase) -> None:
            send(case)

        try:
            fuzz()
        except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            pass
        except (Exception, BaseExceptionGroup) as failure:
            self.failures.append(f"{operation.label} ({name}): {failure}")

    def fuzz(self, operation: Operation) -> None:
        """Every plan that applies to the operation."""
        self.run(operation, "positive", operation.as_strategy(GenerationMode.POSITIVE), self.send)
        self.run(operation, "negative", operation.as_strategy(GenerationMode.NEGATIVE), self.send)
        names = [parameter.name for parameter in operation.path_parameters]
        owned = self.world.owner.owned | {"merchant_id": self.world.owner.merchant_id}
        if not names or any(name not in owned for name in names):
            return
        strategy = operation.as_strategy(path_parameters={name: owned[name] for name in names})
        merchant_route = self.token_for(operation) == self.world.owner.key
        takes_key = merchant_route and not operation.path.startswith("/hooks/")
        self.run(
            operation, "owned", strategy, self.send_as_peer_then_owner if takes_key else self.send
        )


def operation_of(result: Any) -> Operation:
    """An operation of the loaded schema; a part schemathesis cannot read fails the test."""
    if not isinstance(result, Ok):
        raise result.err()
    operation: Operation = result.ok()
    return operation


def test_every_operation_survives_fuzzing_and_hides_other_merchants_objects(
    world: FuzzWorld,
) -> None:
    fuzzer = Fuzzer(world)
    started = time.monotonic()
    operations = [operation_of(result) for result in world.schema.get_all_operations()]
    for operation in operations:
        fuzzer.fuzz(operation)
    total = sum(fuzzer.requests.values())
    print(  # shown with -s / -rP: the figures the CI note quotes
        f"fuzzed {len(operations)} operations with {total} requests "
        f"in {time.monotonic() - started:.1f} s; {len(fuzzer.failures)} failures"
    )
    assert len(operations) >= 70
    assert not fuzzer.failures, "\n\n".join(fuzzer.failures)
