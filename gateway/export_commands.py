"""``stampgate export cards|sales``: the CSV of the API's exports, written to a file.

The filters are the list's, read by the same query models, so a time needs its offset here
as in the API. A progress bar goes to stderr when it is a terminal (never with ``--quiet``);
the count is taken first so that the bar knows its end.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.csv_export import CsvExport
from gateway.db import build_engine, build_session_factory
from gateway.errors import DomainError
from gateway.loyalty.cards.export import card_export
from gateway.loyalty.cards.schemas import CardFilters
from gateway.loyalty.sales.export import sale_export
from gateway.loyalty.sales.schemas import SaleFilters
from gateway.tenancy.service import get_merchant

QueryT = TypeVar("QueryT", bound=BaseModel)
Command = TypeVar("Command", bound=Callable[..., Any])
_TIME = "RFC 3339 with its offset, e.g. 2026-12-01T00:00:00Z"


def _common(command: Command) -> Command:
    for option in reversed(
        (
            click.option("--merchant", "merchant_id", required=True, help="the merchant (mer_...)"),
            click.option("--created-after", help=f"created after this time ({_TIME})"),
            click.option("--created-before", help=f"created before this time ({_TIME})"),
            click.option(
                "--output",
                "-o",
                type=click.File("w", encoding="utf-8"),
                default="-",
                help="the CSV file to write (default: stdout)",
            ),
            click.option("--quiet", "-q", is_flag=True, help="no progress bar and no summary"),
        )
    ):
        command = option(command)
    return command


def _query(model: type[QueryT], filters: dict[str, Any]) -> QueryT:
    """The list's query model from the options given; its refusals as the command's error."""
    try:
        return model.model_validate({k: v for k, v in filters.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"{_option(error['loc'][0])}: {error['msg']}" for error in exc.errors(include_url=False)
        )
        raise click.BadParameter(problems) from exc
    except DomainError as exc:  # a range out of order: say it with the options' names
        detail = exc.detail
        for error in exc.extra.get("errors", []):
            detail = detail.replace(error["loc"][0], _option(error["loc"][0]))
        raise click.BadParameter(detail) from exc


def _option(field: object) -> str:
    return "--" + str(field).replace("_", "-")


def _export(
    merchant_id: str,
    build: Callable[[Session], CsvExport[Any]],
    output: IO[str],
    quiet: bool,
    what: str,
) -> None:
    engine = build_engine(Settings().database_url)
    try:
        with build_session_factory(engine)() as session:
            try:
                get_merchant(session, merchant_id)
                export = build(session)
            except DomainError as exc:
                raise click.ClickException(exc.detail) from exc
            written = _write(export, session, output, progress=not quiet and sys.stderr.isatty())
    finally:
        engine.dispose()
    if not quiet:
        click.echo(f"exported {written} {what}", err=True)


def _write(export: CsvExport[Any], session: Session, output: IO[str], *, progress: bool) -> int:
    total = export.count(session)
    written = 0
    output.write(export.header())
    with click.progressbar(
        length=total, label="exporting", file=sys.stderr, hidden=not progress
    ) as bar:
        for batch in export.batches(session):
            output.writelines(batch)
            written += len(batch)
            bar.update(len(batch))
    return written


@click.group()
def export() -> None:
    """CSV exports of the merchant's cards and sales, with the API list's filters."""


@export.command("cards")
@_common
@click.option("--program", "program_id", help="only this program's cards (prg_...)")
@click.option("--phone", help="only this customer's cards")
@click.option("--email", help="only this customer's cards")
@click.option("--pos", help="only this POS customer's cards: <pos>:<customer id>")
@click.option("--last-visit-after", help=f"last sale or stamp after this time ({_TIME})")
@click.option("--last-visit-before", help=f"last sale or stamp before this time ({_TIME})")
@click.option(
    "--has-active-voucher", type=click.BOOL, help="true: holding a voucher to redeem; false: none"
)
def export_cards(merchant_id: str, output: IO[str], quiet: bool, **filters: Any) -> None:
    """Write the merchant's cards as CSV (the columns of GET /v1/cards/export.csv)."""
    query = _query(CardFilters, filters)
    _export(merchant_id, lambda _session: card_export(merchant_id, query), output, quiet, "cards")


@export.command("sales")
@_common
@click.option("--closed-after", help=f"closed at the till after this time ({_TIME})")
@click.option("--closed-before", help=f"closed at the till before this time ({_TIME})")
@click.option("--location", help="only sales of this location")
@click.option("--status", type=click.Choice(["processed", "unattributed"]))
@click.option("--card", help="only sales of this card number")
def export_sales(merchant_id: str, output: IO[str], quiet: bool, **filters: Any) -> None:
    """Write the merchant's sales as CSV (the columns of GET /v1/sales/export.csv)."""
    query = _query(SaleFilters, filters)
    _export(
        merchant_id,
        lambda session: sale_export(session, merchant_id, query),
        output,
        quiet,
        "sales",
    )
