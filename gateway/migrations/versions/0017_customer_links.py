"""Customer links: every card and voucher gets an unguessable token for its public page

Existing rows get a fresh random token each; new rows get one when they are created.

Revision ID: 0017_customer_links
Revises: 0016_pos_catalog
Create Date: 2026-12-01 17:30:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0017_customer_links"
down_revision = "0016_pos_catalog"
branch_labels = None
depends_on = None

TABLES = {"cards": "uq_cards_customer_token", "vouchers": "uq_vouchers_customer_token"}
BATCH = 1000
PLACEHOLDER = ""


def _backfill(table_name: str) -> None:
    # Each row its own token, drawn here (a SQL expression would draw one for all, or a weak one).
    connection = op.get_bind()
    rows = sa.table(table_name, sa.column("id"), sa.column("customer_token"))
    while True:
        ids = connection.execute(
            sa.select(rows.c.id).where(rows.c.customer_token == PLACEHOLDER).limit(BATCH)
        ).scalars()
        batch = [{"row_id": row_id, "token": secrets.token_urlsafe(16)} for row_id in ids]
        if not batch:
            return
        connection.execute(
            rows.update()
            .where(rows.c.id == sa.bindparam("row_id"))
            .values(customer_token=sa.bindparam("token")),
            batch,
        )


def upgrade() -> None:
    on_postgresql = op.get_bind().dialect.name == "postgresql"
    for table_name, index in TABLES.items():
        # SQLite adds a NOT NULL column in place only with a default; anything else rebuilds
        # the table, which the rows referencing cards forbid. The backfill replaces it at once.
        op.add_column(
            table_name,
            sa.Column(
                "customer_token", sa.String(length=32), nullable=False, server_default=PLACEHOLDER
            ),
        )
        _backfill(table_name)
        if on_postgresql:
            op.alter_column(table_name, "customer_token", server_default=None)
        op.create_index(index, table_name, ["customer_token"], unique=True)


def downgrade() -> None:
    for table_name, index in reversed(TABLES.items()):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.drop_column("customer_token")
