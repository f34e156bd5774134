"""Indexes of the purge: finished deliveries and inbound events by age, old events, and
the deliveries of an event (also what deleting an event checks its foreign key with)

Revision ID: 0015_retention_indexes
Revises: 0014_rejected_code_attempts
Create Date: 2026-12-01 17:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0015_retention_indexes"
down_revision = "0014_rejected_code_attempts"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_deliveries_status_updated", "deliveries", ["status", "updated_at"]),
    ("ix_deliveries_event", "deliveries", ["event_id"]),
    ("ix_inbound_events_status_processed", "inbound_events", ["status", "processed_at"]),
    ("ix_events_created", "events", ["created_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
