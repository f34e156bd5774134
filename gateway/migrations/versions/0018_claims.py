"""Claim links: one-time links of unattributed sales and of delivery inserts, and insert batches

Revision ID: 0018_claims
Revises: 0016_pos_catalog
Create Date: 2026-12-01 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0018_claims"
down_revision = "0017_customer_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_batches",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("stamps", sa.Integer(), nullable=False),
        sa.Column("valid_until", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"]),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_claim_batches_merchant", "claim_batches", ["merchant_id", "id"])
    op.create_table(
        "claims",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sale_id", sa.String(length=40), nullable=True),
        sa.Column("batch_id", sa.String(length=40), nullable=True),
        sa.Column("stamps", sa.Integer(), nullable=False),
        sa.Column("expires_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("card_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"]),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"]),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["claim_batches.id"]),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
        sa.UniqueConstraint("sale_id"),
    )
    op.create_index("ix_claims_merchant_id", "claims", ["merchant_id"])
    op.create_index("ix_claims_batch", "claims", ["batch_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_claims_batch", table_name="claims")
    op.drop_index("ix_claims_merchant_id", table_name="claims")
    op.drop_table("claims")
    op.drop_index("ix_claim_batches_merchant", table_name="claim_batches")
    op.drop_table("claim_batches")
