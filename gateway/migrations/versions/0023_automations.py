"""Customers' birthdays on their cards

Revision ID: 0023_automations
Revises: 0021_pool_sources
Create Date: 2026-12-01 20:40:00

A card may carry the customer's birthday: month and day (``MM-DD``, looked up by the
birthday segment within a program) and the year when the customer gave it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_automations"
down_revision = "0021_pool_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birthday_md", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("birthday_year", sa.Integer(), nullable=True))
        batch_op.create_index("ix_cards_program_birthday", ["program_id", "birthday_md"])


def downgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("ix_cards_program_birthday")
        batch_op.drop_column("birthday_year")
        batch_op.drop_column("birthday_md")
