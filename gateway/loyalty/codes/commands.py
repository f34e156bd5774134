"""``stampgate codes import|export`` and ``stampgate vouchers issue``: bulk work with progress."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO

import click
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.errors import DomainError
from gateway.loyalty.codes.export import count_codes, export_codes
from gateway.loyalty.codes.pools import find_pool
from gateway.loyalty.codes.uploads import RowProblem, Upload, add_codes, parse_csv
from gateway.loyalty.programs.rewards import VoucherReward
from gateway.loyalty.vouchers.bulk import issue_to_cards, program_voucher

BATCH = 1000
SHOWN_PROBLEMS = 20


@contextmanager
def _sessions() -> Iterator[sessionmaker[Session]]:
    settings = Settings()
    engine = build_engine(settings.database_url)
    try:
        yield build_session_factory(engine, settings.public_url)
    finally:
        engine.dispose()


@contextmanager
def _session() -> Iterator[Session]:
    with _sessions() as factory, factory() as session:
        yield session


def _stderr() -> TextIO:
    return sys.stderr  # progress goes beside the output, so exports can go to stdout


def _show(problems: list[RowProblem], what: str) -> None:
    for problem in problems[:SHOWN_PROBLEMS]:
        click.echo(f"  line {problem.line}: {what} {problem.reason} ({problem.code!r})", err=True)
    if len(problems) > SHOWN_PROBLEMS:
        click.echo(f"  ... and {len(problems) - SHOWN_PROBLEMS} more", err=True)


@click.group()
def codes() -> None:
    """Redeem codes: pools and exports."""


@codes.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pool", "pool_id", required=True, help="the code pool (cpl_...)")
def codes_import(file: Path, pool_id: str) -> None:
    """Add the codes of a CSV FILE (one per line, or a 'code' column) to a pool."""
    try:
        upload = parse_csv(file.read_bytes())
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    added = assigned = 0
    skipped: list[RowProblem] = []
    with _session() as session:
        pool = find_pool(session, pool_id)
        if pool is None:
            raise click.ClickException(f"no code pool {pool_id}")
        rows = upload.rows
        with click.progressbar(length=len(rows), label="importing", file=_stderr()) as bar:
            for start in range(0, len(rows), BATCH):
                batch = Upload(rows[start : start + BATCH])
                report = add_codes(session, pool.merchant_id, pool.id, batch)
                added, assigned = added + report.added, assigned + report.assigned
                skipped.extend(report.skipped)
                bar.update(len(batch.rows))
    click.echo(
        f"added {added} codes, skipped {len(skipped)}, rejected {len(upload.rejected)}; "
        f"{assigned} waiting vouchers got a code"
    )
    _show(skipped, "skipped")
    _show(upload.rejected, "rejected")


@codes.command("export")
@click.argument("program_id")
@click.option("--output", "-o", type=click.File("w"), default="-", help="default: stdout")
def codes_export(program_id: str, output: IO[str]) -> None:
    """Write a program's issued unique and pool codes, with their status, as CSV."""
    with _sessions() as factory, factory() as session:
        try:
            program, _reward = program_voucher(session, program_id)
            total = count_codes(session, program.merchant_id, program.id)
            lines = export_codes(session, program.merchant_id, program.id, factory)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        output.write(next(lines))  # the header
        with click.progressbar(length=total, label="exporting", file=_stderr()) as bar:
            for line in lines:
                output.write(line)
                bar.update(1)
    click.echo(f"exported {total} codes", err=True)


def _card_numbers(text: str) -> Iterator[tuple[int, str]]:
    reader = csv.reader(io.StringIO(text))
    column, first = 0, True
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        names = [cell.strip().casefold() for cell in cells]
        if first and "card_number" in names:
            column, first = names.index("card_number"), False
            continue
        first = False
        yield reader.line_num, (cells[column] if column < len(cells) else "").strip()


def _reward_from(path: Path | None, default: VoucherReward | None) -> VoucherReward:
    if path is None:
        if default is None:
            raise click.ClickException("the program's reward is no voucher; pass --reward")
        return default
    try:
        data: Any = json.loads(path.read_text())
        return VoucherReward.model_validate(data)
    except (ValueError, ValidationError) as exc:
        raise click.ClickException(f"--reward is not a voucher reward: {exc}") from exc


@click.command("issue")
@click.option("--program", "program_id", required=True, help="the program (prg_...)")
@click.option(
    "--cards",
    "cards_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="card numbers, one per line (or a 'card_number' column)",
)
@click.option(
    "--reward",
    "reward_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a voucher reward as JSON (default: the program's reward)",
)
@click.option("--reason", default="goodwill", show_default=True)
def vouchers_issue(
    program_id: str, cards_file: Path, reward_file: Path | None, reason: str
) -> None:
    """Issue a goodwill voucher to every card in a file (bulk goodwill)."""
    numbers = list(_card_numbers(cards_file.read_text(encoding="utf-8-sig")))
    issued, failed = 0, []
    with _session() as session:
        try:
            program, default = program_voucher(session, program_id)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        reward = _reward_from(reward_file, default)
        results = issue_to_cards(session, program, reward, numbers, reason)
        with click.progressbar(
            results, length=len(numbers), label="issuing", file=_stderr()
        ) as bar:
            for result in bar:
                if result.error is None:
                    issued += 1
                else:
                    failed.append(result)
    click.echo(f"issued {issued} vouchers, {len(failed)} failed")
    for result in failed[:SHOWN_PROBLEMS]:
        click.echo(f"  line {result.line}: {result.card_number!r} {result.error}", err=True)
    if len(failed) > SHOWN_PROBLEMS:
        click.echo(f"  ... and {len(failed) - SHOWN_PROBLEMS} more", err=True)
