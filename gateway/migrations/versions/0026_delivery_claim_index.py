"""Deliveries waiting for an attempt, in due order: what a claim reads

Revision ID: 0026_delivery_claim_index
Revises: 0021_pool_sources
Create Date: 2026-12-01 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_delivery_claim_index"
down_revision = "0025_google_wallet"
branch_labels = None
depends_on = None

WAITING = sa.text("status IN ('pending', 'retrying')")


def upgrade() -> None:
    op.create_index(
        "ix_deliveries_waiting",
        "deliveries",
        ["next_attempt_at"],
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_waiting", table_name="deliveries")
