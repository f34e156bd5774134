"""Campaigns: broadcasts to a program's card segments, and one message row per recipient and
channel

Revision ID: 0019_campaigns
Revises: 0018_claims
Create Date: 2026-12-01 18:00:00

Both tables are table-queues (``next_attempt_at``, ``locked_until``): scheduled campaigns wait
for the planner, pending messages for the sender. (campaign, card, channel) is unique, so a
campaign's messages are written once whatever reruns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import gateway.db

revision = "0019_campaigns"
down_revision = "0018_claims"
branch_labels = None
depends_on = None

_TIME = gateway.db.UTCDateTime(timezone=True)
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("segment", _JSON, nullable=False),
        sa.Column("channels", _JSON, nullable=False),
        sa.Column("push_text", sa.String(length=200), nullable=True),
        sa.Column("message_text", sa.String(length=4000), nullable=True),
        sa.Column("voucher", _JSON, nullable=True),
        sa.Column("send_at", _TIME, nullable=True),
        sa.Column("next_attempt_at", _TIME, nullable=False),
        sa.Column("locked_until", _TIME, nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("planned_at", _TIME, nullable=True),
        sa.Column("finished_at", _TIME, nullable=True),
        sa.Column("cancelled_at", _TIME, nullable=True),
        _fk("campaigns", "merchant_id", "merchants"),
        _fk("campaigns", "program_id", "programs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index("ix_campaigns_merchant", "campaigns", ["merchant_id", "id"])
    op.create_index("ix_campaigns_merchant_created", "campaigns", ["merchant_id", "created_at"])
    op.create_index("ix_campaigns_due", "campaigns", ["status", "next_attempt_at"])
    op.create_table(
        "campaign_messages",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("campaign_id", sa.String(length=40), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("voucher_id", sa.String(length=40), nullable=True),
        sa.Column("event_id", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TIME, nullable=False),
        sa.Column("locked_until", _TIME, nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("sent_at", _TIME, nullable=True),
        _fk("campaign_messages", "merchant_id", "merchants"),
        _fk("campaign_messages", "campaign_id", "campaigns"),
        _fk("campaign_messages", "card_id", "cards"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_messages")),
        sa.UniqueConstraint(
            "campaign_id",
            "card_id",
            "channel",
            name=op.f("uq_campaign_messages_campaign_id_card_id_channel"),
        ),
    )
    op.create_index(
        "ix_campaign_messages_due", "campaign_messages", ["status", "channel", "next_attempt_at"]
    )
    op.create_index("ix_campaign_messages_sent", "campaign_messages", ["channel", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_campaign_messages_sent", table_name="campaign_messages")
    op.drop_index("ix_campaign_messages_due", table_name="campaign_messages")
    op.drop_table("campaign_messages")
    op.drop_index("ix_campaigns_due", table_name="campaigns")
    op.drop_index("ix_campaigns_merchant_created", table_name="campaigns")
    op.drop_index("ix_campaigns_merchant", table_name="campaigns")
    op.drop_table("campaigns")
