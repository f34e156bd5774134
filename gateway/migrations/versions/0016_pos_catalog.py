"""POS catalogues: each connection's places, product categories and products, as last fetched

Revision ID: 0016_pos_catalog
Revises: 0015_retention_indexes
Create Date: 2026-12-01 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import gateway.db

revision = "0016_pos_catalog"
down_revision = "0015_retention_indexes"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "pos_catalogs",
        sa.Column("connection_id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("catalog", JSON, nullable=False),
        sa.Column("fetched_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["pos_connections.id"],
            name=op.f("fk_pos_catalogs_connection_id_pos_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_pos_catalogs_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_pos_catalogs")),
    )
    with op.batch_alter_table("pos_catalogs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pos_catalogs_merchant_id"), ["merchant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pos_catalogs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pos_catalogs_merchant_id"))
    op.drop_table("pos_catalogs")
