"""E-mail consent on cards: when and where the customer agreed, and when they unsubscribed

Revision ID: 0022_campaign_email
Revises: 0021_pool_sources
Create Date: 2026-12-01 20:50:00

Campaign e-mail goes only to cards with an address whose customer agreed and has not
unsubscribed since; cards enrolled before this have no consent recorded. The card page
finds its latest campaign message by card.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0022_campaign_email"
down_revision = "0021_pool_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_consent_at", gateway.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("email_consent_source", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("email_unsubscribed_at", gateway.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_index(
        "ix_campaign_messages_card", "campaign_messages", ["card_id", "sent_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_campaign_messages_card", table_name="campaign_messages")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_column("email_unsubscribed_at")
        batch_op.drop_column("email_consent_source")
        batch_op.drop_column("email_consent_at")
