"""The audit log

Revision ID: 0007_audit_events
Revises: 0006_wide_integers
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import gateway.db

revision = "0007_audit_events"
down_revision = "0006_wide_integers"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.Column("details", JSON, nullable=True),
        sa.Column("operation", sa.String(length=200), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_audit_events_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_merchant", ["merchant_id", "id"], unique=False)
        batch_op.create_index(
            "ix_audit_events_object", ["merchant_id", "object_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_actor", ["merchant_id", "actor_id", "id"], unique=False
        )
        batch_op.create_index("ix_audit_events_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_events")
