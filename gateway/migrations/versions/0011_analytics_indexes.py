"""Indexes of the analytics figures: each merchant's rows by the moment they count at

Revision ID: 0011_analytics_indexes
Revises: 0010_users
Create Date: 2026-12-01 15:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0011_analytics_indexes"
down_revision = "0010_users"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_stamp_entries_merchant_created", "stamp_entries", ["merchant_id", "created_at"]),
    ("ix_redemptions_merchant_redeemed", "redemptions", ["merchant_id", "redeemed_at"]),
    ("ix_vouchers_merchant_issued", "vouchers", ["merchant_id", "issued_at"]),
    ("ix_vouchers_merchant_expired", "vouchers", ["merchant_id", "expired_at"]),
    ("ix_events_merchant_type_created", "events", ["merchant_id", "type", "created_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
