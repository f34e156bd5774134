"""The application factory."""

from __future__ import annotations

import functools
import logging

from flask_openapi3.models.info import Info
from flask_openapi3.openapi import OpenAPI

from connectors.connections.directory import ConnectionDirectory
from connectors.inbox.jobs import sync_pos, wake_inbox
from connectors.inbox.processing import Processor, drain_inbox
from connectors.inbox.store import process_after_commit
from connectors.registry import build_connectors
from gateway.api.jsonprovider import StrictJSONProvider
from gateway.api.limits import build_limiter, install_limiter
from gateway.api.openapi_docs import SECURITY_SCHEMES, Problem, operation_id
from gateway.api.problems import register_error_handlers, validation_problem
from gateway.api.proxies import trust_proxies
from gateway.api.request_rules import install_input_rules
from gateway.api.security_headers import install_security_headers
from gateway.api.session import close_request_session
from gateway.audit import recorder
from gateway.campaigns.automations.evaluation import evaluate_automations
from gateway.campaigns.jobs import wake_campaigns
from gateway.campaigns.queues import campaigns_after_commit
from gateway.campaigns.sending import Sender, drain_campaigns
from gateway.config import DEV_SECRET_KEY, Settings
from gateway.db import build_engine, build_session_factory
from gateway.extensions import Extensions
from gateway.observability.logs import configure_logging, install_request_ids
from gateway.observability.metrics import HttpMetrics
from gateway.queue.background import BackgroundLoop
from gateway.redis_client import connect_redis
from gateway.retention.jobs import purge_once
from gateway.routes import register_api
from gateway.wallet.apple.jobs import wake_pushes
from gateway.wallet.apple.pushing import Pusher, drain_pushes, pushes_after_commit
from gateway.wallet.apple.updates import follow_event
from gateway.wallet.google.jobs import start_google_wallet
from gateway.web.security import install_web_security
from webhooks.deliver import Deliverer, drain
from webhooks.dispatch import hand_over_after_commit
from webhooks.jobs import wake_for_new
from webhooks.outbox import listen_to_events

log = logging.getLogger(__name__)
# A stopping process waits for the round in hand: keep an embedded purge round short.
EMBEDDED_PURGE_BUDGET_SECONDS = 5.0
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
    session_factory = build_session_factory(engine, settings.public_url)
    recorder.install(session_factory)
    listen_to_events(follow_event)  # Apple passes follow their cards and vouchers
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
    start_background_work(extensions)
    extensions.google_wallet = start_google_wallet(extensions)
    app.extensions["stampgate"] = extensions
    metrics.install(app, settings.metrics_token, settings.proxy_hops)
    install_request_ids(app)
    install_limiter(app, extensions.limiter)
    install_input_rules(app)
    install_security_headers(app)
    install_web_security(app, settings)
    register_error_handlers(app)
    app.teardown_appcontext(close_request_session)
    register_api(app)
    trust_proxies(app, settings.proxy_hops, settings.trusted_proxies)
    return app


def _purge_embedded(ext: Extensions) -> None:
    """One short purge round; a backlog runs the next round at once."""
    report = purge_once(ext.engine, ext.settings, EMBEDDED_PURGE_BUDGET_SECONDS)
    if report is not None and not report.finished and ext.purger is not None:
        ext.purger.notify()


def start_background_work(ext: Extensions) -> None:
    """Wire committed deliveries and inbound events to their workers: threads of this process
    (embedded mode), or rq workers woken through Redis."""
    if ext.settings.runs_embedded_dispatcher:
        deliverer = Deliverer(ext.settings, ext.session_factory)
        ext.dispatcher = BackgroundLoop(
            "stampgate-webhooks", lambda: drain(deliverer), on_stop=deliverer.http.close
        )
        hand_over_after_commit(ext.session_factory, ext.dispatcher.notify)
        processor = Processor(ext.settings, ext.session_factory, ext.connectors)
        ext.inbox = BackgroundLoop("stampgate-inbox", lambda: drain_inbox(processor))
        process_after_commit(ext.session_factory, ext.inbox.notify)
        # The periodic POS sync (promotions, code pools): its first round after one interval.
        ext.pos_sync = BackgroundLoop(
            "stampgate-pos-sync",
            lambda: sync_pos(ext.session_factory, ext.settings, ext.connectors),
            poll_seconds=ext.settings.pos_sync_seconds,
            wait_first=True,
        )
        sender = Sender(ext.settings, ext.session_factory)
        ext.campaigns = BackgroundLoop("stampgate-campaigns", lambda: drain_campaigns(sender))
        campaigns_after_commit(ext.session_factory, ext.campaigns.notify)
        ext.automations = BackgroundLoop(
            "stampgate-automations",
            functools.partial(evaluate_automations, ext.session_factory),
            poll_seconds=ext.settings.automations_every_seconds,
            wait_first=True,
        )
        ext.purger = BackgroundLoop(
            "stampgate-purge",
            functools.partial(_purge_embedded, ext),
            poll_seconds=ext.settings.purge_every_seconds,
        )
        pusher = Pusher(ext.settings, ext.session_factory)
        ext.apple_pushes = BackgroundLoop("stampgate-apple-pushes", lambda: drain_pushes(pusher))
        pushes_after_commit(ext.session_factory, ext.apple_pushes.notify)
        ext.dispatcher.start()
        ext.inbox.start()
        ext.pos_sync.start()
        ext.campaigns.start()
        ext.automations.start()
        ext.purger.start()
        ext.apple_pushes.start()
    elif ext.redis is not None:
        hand_over_after_commit(ext.session_factory, functools.partial(wake_for_new, ext.redis))
        process_after_commit(ext.session_factory, functools.partial(wake_inbox, ext.redis))
        campaigns_after_commit(ext.session_factory, functools.partial(wake_campaigns, ext.redis))
        pushes_after_commit(ext.session_factory, functools.partial(wake_pushes, ext.redis))
