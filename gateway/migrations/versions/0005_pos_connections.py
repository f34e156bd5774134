"""POS connections and the inbound event inbox

Revision ID: 0005_pos_connections
Revises: 0004_redeem_codes
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import gateway.db

revision = "0005_pos_connections"
down_revision = "0004_redeem_codes"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "pos_connections",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("pos", sa.String(length=16), nullable=False),
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("api_base_url", sa.String(length=2048), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.String(length=500), nullable=True),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("locations", JSON, nullable=False),
        sa.Column("codes", JSON, nullable=False),
        sa.Column("stale_codes", JSON, nullable=False),
        sa.Column("synced_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_pos_connections_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_pos_connections_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pos_connections")),
        sa.UniqueConstraint("pos", "account", name=op.f("uq_pos_connections_pos_account")),
    )
    with op.batch_alter_table("pos_connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pos_connections_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "inbound_events",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("connection_id", sa.String(length=40), nullable=False),
        sa.Column("pos", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=128), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("received_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["pos_connections.id"],
            name=op.f("fk_inbound_events_connection_id_pos_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_inbound_events_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_events")),
        sa.UniqueConstraint(
            "connection_id", "dedupe_key", name=op.f("uq_inbound_events_connection_id_dedupe_key")
        ),
    )
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.create_index("ix_inbound_events_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_inbound_events_merchant_status", ["merchant_id", "status", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_events_merchant_status")
        batch_op.drop_index("ix_inbound_events_due")
    op.drop_table("inbound_events")
    with op.batch_alter_table("pos_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pos_connections_merchant_id"))
    op.drop_table("pos_connections")
