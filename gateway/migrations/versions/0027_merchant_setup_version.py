"""A merchant's setup version, which the caches of its programs and endpoints are keyed by

Revision ID: 0027_merchant_setup_version
Revises: 0026_delivery_claim_index
Create Date: 2026-12-02 05:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_merchant_setup_version"
down_revision = "0026_delivery_claim_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on SQLite too: a table rebuild would trip the rows referring to it.
    op.add_column(
        "merchants",
        sa.Column("setup_version", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    with op.batch_alter_table("merchants") as merchants:
        merchants.drop_column("setup_version")
