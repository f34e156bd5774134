"""``stampgate user create`` and ``stampgate seat create``: merchant users and staff seats from
the command line."""

from __future__ import annotations

import sys

import click
from pydantic import ValidationError

from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.errors import DomainError
from gateway.tenancy import seats
from gateway.tenancy.schemas import SeatCreate
from gateway.tenancy.users import ROLES, create_user, set_password_url


@click.group()
def user() -> None:
    """Merchant users (console and scanner logins)."""


@user.command("create")
@click.option("--merchant", "merchant_id", required=True, help="mer_...")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (scripts)."
)
def create(merchant_id: str, email: str, role: str, password_stdin: bool) -> None:
    """Create a user; prints a one-time set-password link unless the password is given."""
    settings = Settings()
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    engine = build_engine(settings.database_url)
    try:
        with build_session_factory(engine, settings.public_url)() as session:
            created = create_user(session, merchant_id, email, role, password)
            click.echo(f"user {created.id} ({created.email}, {created.role}) created")
            if password is None:
                link = set_password_url(settings.public_url, settings.secret_key, created)
                click.echo(f"set-password link (24 hours, once): {link}")
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    finally:
        engine.dispose()


@click.group()
def seat() -> None:
    """Staff seats: tills, counters and kiosks that sign in to the scanner by link."""


@seat.command("create")
@click.option("--merchant", "merchant_id", required=True, help="mer_...")
@click.option("--name", required=True, help='e.g. "Bar Counter"')
@click.option("--location", required=True, help="the location its stamps count at")
@click.option("--mode", type=click.Choice(["scanner", "kiosk"]), default="scanner")
@click.option("--repeat-seconds", type=int, default=10, show_default=True)
def create_seat(merchant_id: str, name: str, location: str, mode: str, repeat_seconds: int) -> None:
    """Create a seat; prints its one-time sign-in link (7 days) to open on the device."""
    settings = Settings()
    engine = build_engine(settings.database_url)
    try:
        body = SeatCreate.model_validate(
            {"name": name, "location": location, "mode": mode, "repeat_seconds": repeat_seconds}
        )
        with build_session_factory(engine)() as session:
            created = seats.create_seat(session, merchant_id, body)
            click.echo(f"seat {created.id} ({created.name}, {created.mode}) created")
            link = seats.link_url(settings.public_url, settings.secret_key, created)
            click.echo(f"sign-in link (7 days, once): {link}")
    except ValidationError as exc:
        raise click.ClickException(str(exc)) from None
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    finally:
        engine.dispose()
