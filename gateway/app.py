"""The application factory."""

from __future__ import annotations

import logging

from flask_openapi3.models.info import Info
from flask_openapi3.openapi import OpenAPI

from connectors.connections.directory import ConnectionDirectory
from connectors.registry import build_connectors
from gateway.api.limits import build_limiter, install_limiter
from gateway.api.openapi_docs import SECURITY_SCHEMES, Problem, operation_id
from gateway.audit import recorder
from gateway.config import DEV_SECRET_KEY, Settings
from gateway.db import build_engine, build_session_factory, close_request_session
from gateway.errors import register_error_handlers, validation_problem
from gateway.extensions import Extensions, start_delivery
from gateway.inputs import install_input_rules
from gateway.jsonprovider import StrictJSONProvider
from gateway.observability.logs import configure_logging, install_request_ids
from gateway.observability.metrics import HttpMetrics
from gateway.proxies import trust_proxies
from gateway.redis_client import connect_redis
from gateway.routes import register_api
from gateway.security_headers import install_security_headers

log = logging.getLogger(__name__)
API_VERSION = "1.0.0"
DESCRIPTION = (
    "POS-to-loyalty gateway: POS sales become stamps, promo codes become voucher "
    "redemptions, and every change goes out as a signed webhook."
)


def create_app(settings: Settings | None = None) -> OpenAPI:
    """Build a gateway app; settings default to the ``STAMPGATE_*`` environment."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    if settings.secret_key == DEV_SECRET_KEY and not settings.is_sqlite:
        log.warning("STAMPGATE_SECRET_KEY is the development default; set a secret of your own")
    app = OpenAPI(
        "gateway",
        info=Info(title="stampgate", version=API_VERSION, description=DESCRIPTION),
        security_schemes=SECURITY_SCHEMES,
        validation_error_status=422,
        validation_error_model=Problem,
        validation_error_callback=validation_problem,
        operation_id_callback=operation_id,
        doc_ui=False,
        static_folder=None,
    )
    app.json = StrictJSONProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    engine = build_engine(settings.database_url, echo=settings.sql_echo)
    metrics = HttpMetrics()
    session_factory = build_session_factory(engine)
    recorder.install(session_factory)
    extensions = Extensions(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        redis=connect_redis(settings.redis_url, settings.redis_timeout)
        if settings.redis_url
        else None,
        metrics=metrics,
        directory=ConnectionDirectory(settings),
        limiter=build_limiter(settings),
        connectors=build_connectors(settings),
    )
    start_delivery(extensions)
    app.extensions["stampgate"] = extensions
    metrics.install(app, settings.metrics_token, settings.proxy_hops)
    install_request_ids(app)
    install_limiter(app, extensions.limiter)
    install_input_rules(app)
    install_security_headers(app)
    register_error_handlers(app)
    app.teardown_appcontext(close_request_session)
    register_api(app)
    trust_proxies(app, settings.proxy_hops, settings.trusted_proxies)
    return app
