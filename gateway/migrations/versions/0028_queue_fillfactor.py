"""Queue tables keep room on their pages, so a claim's lease is a heap-only update

Revision ID: 0028_queue_fillfactor
Revises: 0027_merchant_setup_version
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0028_queue_fillfactor"
down_revision = "0027_merchant_setup_version"
branch_labels = None
depends_on = None

# A claim sets only ``locked_until``, which no index holds. On a full page PostgreSQL has to
# put the new row version on another page and add it to every index of the table (seven on
# deliveries); with room left on the page it is a heap-only update that touches no index.
# Rows inserted together are claimed together, so a claim rewrites whole pages: half of each
# page is kept free, room for a new version of every row on it.
# Every table a worker claims rows of, as a queue:
QUEUE_TABLES = (
    "deliveries",
    "inbound_events",
    "apple_pushes",
    "google_wallet_jobs",
    "campaigns",
    "campaign_messages",
)
FILLFACTOR = 50


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no fillfactor
    for table in QUEUE_TABLES:
        op.execute(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in QUEUE_TABLES:
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
