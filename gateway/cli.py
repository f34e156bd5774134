"""The ``stampgate`` command: migrations, provisioning, and serving."""

from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

import click
from pydantic import ValidationError
from sqlalchemy.orm import Session

from connectors.connections.sync import sync_all
from connectors.inbox import jobs as inbox_jobs
from connectors.registry import build_connectors
from gateway import migrate
from gateway.api import validation
from gateway.api.idempotency import purge_expired
from gateway.audit.service import purge_audit_events
from gateway.campaigns import jobs as campaign_jobs
from gateway.campaigns.automations import jobs as automation_jobs
from gateway.config import VAR_DIR, Settings
from gateway.db import build_engine, build_session_factory
from gateway.demo import demo_card_link
from gateway.errors import DomainError
from gateway.export_commands import export
from gateway.loyalty.codes.commands import codes, vouchers_issue
from gateway.loyalty.vouchers.service import expire_due
from gateway.queue.workers import run_workers
from gateway.retention import jobs as retention_jobs
from gateway.retention.commands import purge
from gateway.tenancy import service
from gateway.tenancy.commands import seat, user
from gateway.tenancy.schemas import MerchantCreate
from gateway.tenancy.seats import DEMO_SEAT, demo_seat_link
from gateway.tenancy.users import create_user
from gateway.wallet.apple import jobs as apple_push_jobs
from gateway.wallet.google import jobs as google_jobs
from webhooks import jobs as delivery_jobs

DEMO_KEY_FILE = VAR_DIR / "demo-api-key"
DEMO_LOGIN_FILE = VAR_DIR / "demo-login"
DEMO_SEAT_FILE = VAR_DIR / "demo-scanner-link"
DEMO_CARD_FILE = VAR_DIR / "demo-card"
DEMO_OWNER = "owner@demo.example"


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """A session on the configured database; the engine is closed when the command ends."""
    engine = build_engine(settings.database_url)
    try:
        with build_session_factory(engine, settings.public_url)() as session:
            yield session
    finally:
        engine.dispose()


def _echo_json(value: object) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


@click.group()
def main() -> None:
    """stampgate: the POS-to-loyalty gateway."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    settings = Settings()
    migrate.upgrade(settings.database_url, revision)
    click.echo(f"database at {revision}")


@main.group()
def merchant() -> None:
    """Merchants."""


class CreatedMerchant(TypedDict):
    """What ``merchant create`` prints: the new merchant and its first API key."""

    id: str
    name: str
    country: str | None
    api_key: str


def _create_merchant(
    settings: Settings, name: str, currency: str, timezone: str, country: str | None = None
) -> CreatedMerchant:
    try:
        body = MerchantCreate(name=name, currency=currency, timezone=timezone, country=country)
    except ValidationError as exc:
        raise click.BadParameter(_problems(exc)) from exc
    with _session(settings) as session:
        created, issued = service.create_merchant(
            session,
            name=body.name,
            currency=body.currency,
            timezone=body.timezone,
            country=body.country,
        )
        return CreatedMerchant(
            id=created.id, name=created.name, country=created.country, api_key=issued.plaintext
        )


def _problems(exc: ValidationError) -> str:
    """The validation messages, one per field, as the API and the console word them."""
    return "; ".join(
        "--" + validation.message(error, validation.locate(MerchantCreate, error["loc"]), "options")
        for error in exc.errors(include_url=False, include_input=False)
    )


@merchant.command("create")
@click.option("--name", required=True)
@click.option("--currency", required=True, help="ISO 4217, e.g. EUR")
@click.option("--timezone", "timezone_name", required=True, help="IANA, e.g. Europe/Kyiv")
@click.option(
    "--country",
    default=None,
    help="ISO 3166-1 alpha-2, e.g. UA (default: the time zone's country, when it has one)",
)
def merchant_create(name: str, currency: str, timezone_name: str, country: str | None) -> None:
    """Create a merchant and print its first API key (shown once)."""
    _echo_json(_create_merchant(Settings(), name, currency, timezone_name, country))


@main.group()
def apikey() -> None:
    """API keys."""


@apikey.command("create")
@click.option("--merchant", "merchant_id", required=True)
@click.option("--label", default=None)
def apikey_create(merchant_id: str, label: str | None) -> None:
    """Issue an API key for a merchant (shown once)."""
    with _session(Settings()) as session:
        try:
            issued = service.create_api_key(session, merchant_id, label)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        _echo_json({"id": issued.key.id, "api_key": issued.plaintext})


@apikey.command("revoke")
@click.argument("key_id")
@click.option("--merchant", "merchant_id", required=True)
def apikey_revoke(key_id: str, merchant_id: str) -> None:
    """Revoke a merchant's API key."""
    with _session(Settings()) as session:
        try:
            key = service.revoke_api_key(session, merchant_id, key_id)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        _echo_json({"id": key.id, "revoked_at": key.revoked_at})


@main.group()
def idempotency() -> None:
    """Idempotency keys."""


@idempotency.command("purge")
def idempotency_purge() -> None:
    """Delete Idempotency-Keys older than their lifetime."""
    settings = Settings()
    with _session(settings) as session:
        click.echo(f"purged {purge_expired(session, settings.idempotency_ttl)} keys")


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("purge")
def audit_purge() -> None:
    """Delete audit events older than STAMPGATE_AUDIT_RETENTION_DAYS."""
    settings = Settings()
    with _session(settings) as session:
        purged = purge_audit_events(session, settings.audit_retention_days)
        click.echo(f"purged {purged} audit events")


@main.command()
def sync() -> None:
    """Pull every connection's POS promotions; flag codes mapped to promotions that are gone."""
    settings = Settings()
    engine = build_engine(settings.database_url)
    connectors = build_connectors(settings)
    try:
        results = sync_all(build_session_factory(engine), settings, connectors)
    finally:
        engine.dispose()
    for result in results:
        stale = ", ".join(sorted(result.stale)) or "none"
        detail = f"error: {result.error}" if result.error else f"stale: {stale}"
        click.echo(f"{result.connection_id} {result.status} {detail}")
    failed = sum(result.status == "failed" for result in results)
    click.echo(f"{len(results)} connections, {failed} failed")


@main.command()
@click.option("--processes", default=2, show_default=True, help="rq worker processes")
def worker(processes: int) -> None:
    """Run rq workers (POS events, webhook deliveries, campaign messages, promotion sync, the
    hourly purge) and the sweeper."""
    settings = Settings()
    if not settings.redis_url:
        raise click.ClickException(
            "set STAMPGATE_REDIS_URL; without Redis the gateway delivers itself"
        )
    # Inbound events first: in each worker process they come before deliveries.
    duties = (
        inbox_jobs.DUTY,
        delivery_jobs.DUTY,
        campaign_jobs.DUTY,
        automation_jobs.DUTY,
        google_jobs.DUTY,
        retention_jobs.DUTY,
        apple_push_jobs.DUTY,
    )
    run_workers(settings, max(processes, 1), duties)


@main.group()
def vouchers() -> None:
    """Vouchers."""


@vouchers.command("expire")
def vouchers_expire() -> None:
    """Expire every active voucher whose validity has ended (emits voucher.expired)."""
    with _session(Settings()) as session:
        click.echo(f"expired {expire_due(session)} vouchers")


vouchers.add_command(vouchers_issue)
main.add_command(codes)
main.add_command(export)
main.add_command(user)
main.add_command(seat)
main.add_command(purge)


@main.command()
@click.option(
    "--port", default=lambda: os.environ.get("PORT", "8000"), show_default="$PORT or 8000"
)
def demo(port: str) -> None:
    """Create a demo merchant, owner, customer card and scanner seat once; print the key, a
    curl, the console login, the card's customer page and a sign-in link for the scanner."""
    settings = Settings()
    if DEMO_KEY_FILE.exists():
        api_key = DEMO_KEY_FILE.read_text().strip()
    else:
        created = _create_merchant(settings, "Demo Coffee", "EUR", "Europe/Kyiv")
        api_key = created["api_key"]
        _write_private(DEMO_KEY_FILE, api_key)
    if not DEMO_LOGIN_FILE.exists():
        _create_demo_owner(settings, api_key)
    password = DEMO_LOGIN_FILE.read_text().strip()
    click.echo(f"demo merchant API key: {api_key}")
    click.echo(
        f"try: curl -s -H 'Authorization: Bearer {api_key}' http://127.0.0.1:{port}/v1/merchant"
    )
    click.echo(f"console: http://127.0.0.1:{port}/console/login")
    click.echo(f"  email: {DEMO_OWNER}  password: {password}")
    click.echo(f"customer card page: {_demo_card(settings, api_key, port)}")
    link = _demo_scanner_link(settings, api_key, port)
    click.echo(f"scanner (staff seat '{DEMO_SEAT.name}'): open this link once on the device:")
    click.echo(f"  {link}")


def _demo_settings(settings: Settings, port: str) -> Settings:
    # Links point at the server `make run` starts, unless a public URL is set.
    if "STAMPGATE_PUBLIC_URL" not in os.environ:
        return settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    return settings


def _demo_card(settings: Settings, api_key: str, port: str) -> str:
    settings = _demo_settings(settings, port)
    known = DEMO_CARD_FILE.read_text().strip() if DEMO_CARD_FILE.exists() else None
    with _session(settings) as session:
        number, link = demo_card_link(session, _demo_merchant_id(session, api_key), known)
    if number != known:
        _write_private(DEMO_CARD_FILE, number)
    return link


def _demo_scanner_link(settings: Settings, api_key: str, port: str) -> str:
    settings = _demo_settings(settings, port)
    last = DEMO_SEAT_FILE.read_text().strip() if DEMO_SEAT_FILE.exists() else ""
    with _session(settings) as session:
        merchant_id = _demo_merchant_id(session, api_key)
        secret = settings.secret_key
        link = demo_seat_link(session, merchant_id, settings.public_url, secret, last)
    _write_private(DEMO_SEAT_FILE, link)
    return link


def _demo_merchant_id(session: Session, api_key: str) -> str:
    key = service.authenticate(session, api_key)
    if key is None:
        raise click.ClickException(
            f"{DEMO_KEY_FILE} holds a revoked key; delete var/ to start over"
        )
    return key.merchant_id


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    path.chmod(0o600)


def _create_demo_owner(settings: Settings, api_key: str) -> None:
    password = secrets.token_urlsafe(12)
    with _session(settings) as session:
        try:
            create_user(session, _demo_merchant_id(session, api_key), DEMO_OWNER, "owner", password)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from None
    _write_private(DEMO_LOGIN_FILE, password)


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--bind", default=None, help="host:port (default 127.0.0.1:$PORT)")
@click.option("--workers", type=int, default=None, help="default 2 x CPUs + 1")
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve(bind: str | None, workers: int | None, gunicorn_args: tuple[str, ...]) -> None:
    """Serve the gateway with gunicorn (multi-process metrics enabled)."""
    if bind:
        os.environ["STAMPGATE_BIND"] = bind
    if workers:
        os.environ["STAMPGATE_WORKERS"] = str(workers)
    metrics_dir = Path(
        os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="stampgate-metrics-")
    )
    metrics_dir.mkdir(parents=True, exist_ok=True)
    # Samples of a previous run's workers would otherwise be summed into this run's totals.
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:gateway.server.config",
        *gunicorn_args,
        "gateway:create_app()",
    ]
    os.execv(sys.executable, argv)  # noqa: S606 - replace this process with gunicorn
