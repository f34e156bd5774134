"""Indexes of the analytics figures: each merchant's rows by the moment they count at

(Redemptions and issued vouchers by time came with 0011_list_filters.)

Revision ID: 0013_analytics_indexes
Revises: 0012_merchant_country
Create Date: 2026-12-01 15:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0013_analytics_indexes"
down_revision = "0012_merchant_country"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_stamp_entries_merchant_created", "stamp_entries", ["merchant_id", "created_at"]),
    ("ix_vouchers_merchant_expired", "vouchers", ["merchant_id", "expired_at"]),
    ("ix_events_merchant_type_created", "events", ["merchant_id", "type", "created_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
