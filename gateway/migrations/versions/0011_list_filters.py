"""Lists and exports: a card's last visit, and the indexes the list filters use

Revision ID: 0011_list_filters
Revises: 0010_users
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0011_list_filters"
down_revision = "0010_users"
branch_labels = None
depends_on = None

INDEXES = {
    "cards": {
        "ix_cards_merchant": ["merchant_id", "id"],
        "ix_cards_merchant_created": ["merchant_id", "created_at"],
        "ix_cards_merchant_last_visit": ["merchant_id", "last_visit_at"],
    },
    "sales": {
        "ix_sales_merchant": ["merchant_id", "id"],
        "ix_sales_merchant_closed": ["merchant_id", "closed_at"],
        "ix_sales_merchant_created": ["merchant_id", "created_at"],
        "ix_sales_merchant_location": ["merchant_id", "location", "id"],
    },
    "redemptions": {
        "ix_redemptions_merchant": ["merchant_id", "id"],
        "ix_redemptions_card": ["card_id", "id"],
        "ix_redemptions_merchant_redeemed": ["merchant_id", "redeemed_at"],
    },
    "vouchers": {"ix_vouchers_merchant_issued": ["merchant_id", "issued_at"]},
    "events": {"ix_events_merchant_created": ["merchant_id", "created_at"]},
}

# A visit is a sale attributed to the card (at its closing time) or a manual stamp.
BACKFILL_LAST_VISIT = """
UPDATE cards SET last_visit_at = (
    SELECT max(visit) FROM (
        SELECT sales.closed_at AS visit FROM sales WHERE sales.card_id = cards.id
        UNION ALL
        SELECT stamp_entries.created_at FROM stamp_entries
        WHERE stamp_entries.card_id = cards.id AND stamp_entries.kind = 'manual'
    ) AS visits
)
"""


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_visit_at", gateway.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(BACKFILL_LAST_VISIT)
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_column("last_visit_at")
