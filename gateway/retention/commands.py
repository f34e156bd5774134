"""``stampgate purge``: delete what is past its retention, or count it with ``--dry-run``."""

from __future__ import annotations

import click

from gateway.config import Settings
from gateway.db import build_engine
from gateway.retention.purge import run_purge


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
def purge(dry_run: bool) -> None:
    """Delete deliveries, attempts, inbound events, Idempotency-Keys and events past their
    retention (STAMPGATE_RETAIN_*_DAYS), in short batches; print the count per table."""
    settings = Settings()
    engine = build_engine(settings.database_url)
    try:
        report = run_purge(engine, settings, dry_run=dry_run)
    finally:
        engine.dispose()
    if report is None:
        raise click.ClickException("another purge is running; nothing was done")
    for line in report.lines():
        click.echo(line)
