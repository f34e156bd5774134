"""Every blueprint of the HTTP API, registered in one place."""

from __future__ import annotations

from flask_openapi3.openapi import OpenAPI

from connectors.connections.routes import connections
from connectors.inbox.routes import inbound
from connectors.pools.routes import POOL_SOURCE_VIEWS
from connectors.routes import HOOK_BLUEPRINTS
from gateway.api.openapi_docs import install_docs
from gateway.api.ops import install_ops
from gateway.audit.routes import audit
from gateway.campaigns.automations.routes import automations
from gateway.campaigns.routes import campaigns
from gateway.loyalty.analytics.routes import analytics
from gateway.loyalty.cards.routes import cards
from gateway.loyalty.claims.routes import claim_batches
from gateway.loyalty.codes.routes import code_pools, codes
from gateway.loyalty.lottery.routes import spins
from gateway.loyalty.programs.routes import programs
from gateway.loyalty.sales.routes import sales_api
from gateway.loyalty.vouchers.routes import vouchers
from gateway.tenancy.routes import admin, v1
from gateway.wallet.apple.routes import apple_wallet
from gateway.wallet.apple.web_service import apple_web_service, limit_apple_web_service
from gateway.wallet.design.routes import wallet_designs
from gateway.wallet.google.routes import google_wallet
from gateway.web.console.limits import limit_logins
from gateway.web.console.routes import console
from gateway.web.i18n import install_languages
from gateway.web.public.limits import limit_public_pages
from gateway.web.public.routes import public
from gateway.web.scanner.limits import limit_scanner
from gateway.web.scanner.routes import scanner
from webhooks.routes import event_types, events, webhooks
from webhooks.spec import webhooks_section


def register_api(app: OpenAPI) -> None:
    """Attach the operations, admin and merchant routes, the API documents and the
    web pages."""
    install_ops(app)
    app.register_api(admin)
    app.register_api(v1)
    app.register_api(programs)
    app.register_api(cards)
    app.register_api(spins)
    app.register_api(vouchers)
    app.register_api(codes)
    assert POOL_SOURCE_VIEWS  # added to code_pools: imported before it is registered
    app.register_api(code_pools)
    app.register_api(sales_api)
    app.register_api(events)
    app.register_api(webhooks)
    app.register_api(event_types)
    app.register_api(connections)
    app.register_api(inbound)
    app.register_api(audit)
    app.register_api(analytics)
    app.register_api(campaigns)
    app.register_api(automations)
    app.register_api(claim_batches)
    app.register_api(apple_wallet)
    app.register_api(wallet_designs)
    app.register_api(google_wallet)
    for blueprint in HOOK_BLUEPRINTS:
        app.register_api(blueprint)
    install_docs(app, webhooks_section)
    install_languages(app)
    app.register_blueprint(console)
    app.register_blueprint(scanner)
    app.register_blueprint(public)
    app.register_blueprint(apple_web_service)
    ext = app.extensions["stampgate"]
    limit_logins(ext.limiter, ext.settings)
    limit_scanner(ext.limiter, ext.settings)
    limit_public_pages(ext.limiter, ext.settings)
    limit_apple_web_service(ext.limiter, ext.settings)
