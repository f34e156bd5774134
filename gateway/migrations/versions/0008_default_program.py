"""A default program per merchant: where sales without program_id go

Revision ID: 0008_default_program
Revises: 0007_audit_events
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_default_program"
down_revision = "0007_audit_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.add_column(
            sa.Column("is_default", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # A merchant with one program keeps sending its sales there; with several, sales went
    # nowhere without program_id, and still do until the merchant picks a default.
    op.execute(
        "UPDATE programs SET is_default = TRUE WHERE merchant_id IN ("
        "SELECT merchant_id FROM programs GROUP BY merchant_id HAVING COUNT(*) = 1)"
    )
    op.create_index(
        "ux_programs_default",
        "programs",
        ["merchant_id"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )


def downgrade() -> None:
    op.drop_index("ux_programs_default", table_name="programs")
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("is_default")
