"""Syrve's door: its webhook, checked against the connection's token (no API key)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_openapi3.blueprint import APIBlueprint

from connectors.schemas import HOOK_REFUSALS, HOOKS_TAG, HookAccepted
from connectors.serve.hooks import receive_serve_hook
from connectors.serve.schemas import ServeHookPath, SyrveDelivery
from gateway.api.openapi_docs import operation_id, problem_responses, raw_body
from gateway.api.problems import reading_raw_input
from gateway.api.session import request_session
from gateway.extensions import extensions

serve_hooks = APIBlueprint(
    "serve_hooks", __name__, abp_tags=[HOOKS_TAG], operation_id_callback=operation_id
)


@serve_hooks.post(
    "/hooks/serve/<connection_id>",
    responses={200: HookAccepted, **problem_responses(*HOOK_REFUSALS, "not_found", "bad_token")},
    openapi_extensions=raw_body(serve_hooks, SyrveDelivery, "A Syrve webhook: an array of events"),
)
def serve_webhook(path: ServeHookPath) -> dict[str, Any]:
    """A Syrve webhook, checked against the connection's token (``Authorization``)."""
    with reading_raw_input():
        receive_serve_hook(
            request_session(),
            extensions().directory,
            path.connection_id,
            request.headers.get("Authorization"),
            request.get_data(cache=False),
        )
    return {"status": "accept"}
