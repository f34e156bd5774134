"""Google Wallet: a merchant's issuer account, the objects made at Google, and the queue of
calls that keep them in step

Revision ID: 0025_google_wallet
Revises: 0021_pool_sources
Create Date: 2026-12-01 20:45:00

The service account is sealed like the other secrets. ``google_wallet_jobs`` is a
table-queue (``next_attempt_at``, ``locked_until``); a message job Google notified the
customer of carries ``notified_at``, which the notification limit counts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import gateway.db

revision = "0025_google_wallet"
down_revision = "0024_apple_wallet"
branch_labels = None
depends_on = None

_TIME = gateway.db.UTCDateTime(timezone=True)
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _merchant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["merchant_id"], ["merchants.id"], name=op.f(f"fk_{table}_merchant_id_merchants")
    )


def upgrade() -> None:
    op.create_table(
        "google_wallet_issuers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("issuer_id", sa.String(length=32), nullable=False),
        sa.Column("client_email", sa.String(length=254), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("service_account", sa.String(length=8000), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        _merchant_fk("google_wallet_issuers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_wallet_issuers")),
        sa.UniqueConstraint("merchant_id", name=op.f("uq_google_wallet_issuers_merchant_id")),
    )
    op.create_table(
        "google_wallet_objects",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("resource", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("synced_at", _TIME, nullable=False),
        _merchant_fk("google_wallet_objects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_wallet_objects")),
    )
    op.create_index(
        "ix_google_wallet_objects_merchant_id", "google_wallet_objects", ["merchant_id"]
    )
    op.create_table(
        "google_wallet_jobs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=True),
        sa.Column("voucher_id", sa.String(length=40), nullable=True),
        sa.Column("message", _JSON, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TIME, nullable=False),
        sa.Column("locked_until", _TIME, nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("done_at", _TIME, nullable=True),
        sa.Column("notified_at", _TIME, nullable=True),
        _merchant_fk("google_wallet_jobs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_wallet_jobs")),
    )
    op.create_index(
        "ix_google_wallet_jobs_due", "google_wallet_jobs", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_google_wallet_jobs_card", "google_wallet_jobs", ["card_id", "kind", "notified_at"]
    )
    op.create_index("ix_google_wallet_jobs_merchant_id", "google_wallet_jobs", ["merchant_id"])


def downgrade() -> None:
    op.drop_table("google_wallet_jobs")
    op.drop_table("google_wallet_objects")
    op.drop_table("google_wallet_issuers")
