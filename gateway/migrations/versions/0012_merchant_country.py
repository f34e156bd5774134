"""merchant country: how national phone numbers are read

Revision ID: 0012_merchant_country
Revises: 0011_list_filters
Create Date: 2026-12-01 15:00:00

Merchants gain ``country`` (ISO 3166-1 alpha-2). Existing merchants get the country of their
time zone (the tz database's ``zone.tab``), or none when no single country has the zone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.tenancy.countries import country_of_timezone

revision = "0012_merchant_country"
down_revision = "0011_list_filters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sa.String(length=2), nullable=True))
    merchants = sa.table(
        "merchants",
        sa.column("id", sa.String),
        sa.column("timezone", sa.String),
        sa.column("country", sa.String),
    )
    connection = op.get_bind()
    zones = connection.execute(sa.select(merchants.c.timezone).distinct()).scalars().all()
    for zone in zones:
        country = country_of_timezone(zone)
        if country is not None:
            connection.execute(
                merchants.update().where(merchants.c.timezone == zone).values(country=country)
            )


def downgrade() -> None:
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_column("country")
