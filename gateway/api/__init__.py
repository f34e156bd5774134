"""The HTTP API: every blueprint, registered in one place."""

from __future__ import annotations

from flask_openapi3.openapi import OpenAPI

from gateway.api.admin import admin
from gateway.api.audit import audit
from gateway.api.cards import cards
from gateway.api.code_pools import code_pools
from gateway.api.codes import codes
from gateway.api.connections import connections
from gateway.api.event_types import event_types
from gateway.api.events import events
from gateway.api.hooks import hooks
from gateway.api.inbound import inbound
from gateway.api.merchant import v1
from gateway.api.openapi_docs import install_docs
from gateway.api.ops import install_ops
from gateway.api.programs import programs
from gateway.api.sales import sales_api
from gateway.api.spins import spins
from gateway.api.vouchers import vouchers
from gateway.api.webhooks import webhooks


def register_api(app: OpenAPI) -> None:
    """Attach the operations, admin and merchant routes and the API documents."""
    install_ops(app)
    app.register_api(admin)
    app.register_api(v1)
    app.register_api(programs)
    app.register_api(cards)
    app.register_api(spins)
    app.register_api(vouchers)
    app.register_api(codes)
    app.register_api(code_pools)
    app.register_api(sales_api)
    app.register_api(events)
    app.register_api(webhooks)
    app.register_api(event_types)
    app.register_api(connections)
    app.register_api(inbound)
    app.register_api(audit)
    app.register_api(hooks)
    install_docs(app)
