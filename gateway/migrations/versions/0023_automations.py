"""Customers' birthdays on their cards; automations, their firings, and their runs

Revision ID: 0023_automations
Revises: 0021_pool_sources
Create Date: 2026-12-01 20:40:00

A card may carry the customer's birthday: month and day (``MM-DD``, looked up by the
birthday segment and automation within a program) and the year when the customer gave it.
An automation fires once per card and occurrence: (automation, card, occurrence) is unique in
``automation_firings``. Each round's messages are a run: a ``campaigns`` row naming it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import gateway.db

revision = "0023_automations"
down_revision = "0022_campaign_email"
branch_labels = None
depends_on = None

_TIME = gateway.db.UTCDateTime(timezone=True)
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birthday_md", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("birthday_year", sa.Integer(), nullable=True))
        batch_op.create_index("ix_cards_program_birthday", ["program_id", "birthday_md"])
    op.create_table(
        "automations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trigger", _JSON, nullable=False),
        sa.Column("channels", _JSON, nullable=False),
        sa.Column("push_text", sa.String(length=200), nullable=True),
        sa.Column("message_text", sa.String(length=4000), nullable=True),
        sa.Column("voucher", _JSON, nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        _fk("automations", "merchant_id", "merchants"),
        _fk("automations", "program_id", "programs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automations")),
    )
    op.create_index("ix_automations_merchant", "automations", ["merchant_id", "id"])
    op.create_index("ix_automations_merchant_created", "automations", ["merchant_id", "created_at"])
    op.create_index("ix_automations_enabled", "automations", ["enabled", "id"])
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("automation_id", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_campaigns_automation_id_automations"),
            "automations",
            ["automation_id"],
            ["id"],
        )
        batch_op.create_index("ix_campaigns_automation", ["automation_id", "id"])
    op.create_table(
        "automation_firings",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("automation_id", sa.String(length=40), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=False),
        sa.Column("occurrence", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.String(length=40), nullable=False),
        sa.Column("fired_at", _TIME, nullable=False),
        _fk("automation_firings", "merchant_id", "merchants"),
        _fk("automation_firings", "automation_id", "automations"),
        _fk("automation_firings", "card_id", "cards"),
        _fk("automation_firings", "campaign_id", "campaigns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_firings")),
        sa.UniqueConstraint(
            "automation_id",
            "card_id",
            "occurrence",
            name=op.f("uq_automation_firings_automation_id_card_id_occurrence"),
        ),
    )


def downgrade() -> None:
    op.drop_table("automation_firings")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_automation")
        batch_op.drop_constraint(op.f("fk_campaigns_automation_id_automations"), type_="foreignkey")
        batch_op.drop_column("automation_id")
    op.drop_table("automations")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("ix_cards_program_birthday")
        batch_op.drop_column("birthday_year")
        batch_op.drop_column("birthday_md")
