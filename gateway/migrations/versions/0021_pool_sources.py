"""Code pools bound to a POS source (a Syrve coupon series), synced from it

Revision ID: 0021_pool_sources
Revises: 0020_staff_seats
Create Date: 2026-12-01 17:50:00

A pool may name the connection and coupon series its codes come from, with the time and the
error of its last sync; a pool code the POS reports as activated or deleted keeps that state
and is never handed out. A redemption by a POS sale names the connection that sent it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0021_pool_sources"
down_revision = "0020_staff_seats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("code_pools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_connection_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("source_series_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("synced_at", gateway.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("sync_error", sa.String(length=500), nullable=True))
    with op.batch_alter_table("pool_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pos_state", sa.String(length=16), nullable=True))
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("connection_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_column("connection_id")
    with op.batch_alter_table("pool_codes", schema=None) as batch_op:
        batch_op.drop_column("pos_state")
    with op.batch_alter_table("code_pools", schema=None) as batch_op:
        batch_op.drop_column("sync_error")
        batch_op.drop_column("synced_at")
        batch_op.drop_column("source_series_id")
        batch_op.drop_column("source_connection_id")
