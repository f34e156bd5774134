"""Rejected code attempts at the till: refused /v1/codes/* lookups, for the analytics

Revision ID: 0014_rejected_code_attempts
Revises: 0013_analytics_indexes
Create Date: 2026-12-01 17:40:00

A code shown at the till that redeems nothing (a refused ``/v1/codes/redeem`` or ``hold``, a
``check`` finding a used code) is kept as a row, so the analytics' rejected code attempts
count it beside the promo codes rejected on sales.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0014_rejected_code_attempts"
down_revision = "0013_analytics_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rejected_code_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=128), nullable=True),
        sa.Column("staff", sa.String(length=128), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_rejected_code_attempts_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_code_attempts")),
    )
    op.create_index(
        "ix_rejected_code_attempts_merchant_created",
        "rejected_code_attempts",
        ["merchant_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_rejected_code_attempts_merchant_created", table_name="rejected_code_attempts")
    op.drop_table("rejected_code_attempts")
