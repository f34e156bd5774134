"""deliveries explain themselves: the `retrying` status; each attempt keeps what it sent

Revision ID: 0009_delivery_requests
Revises: 0008_default_program
Create Date: 2026-12-01 15:00:00

A delivery whose attempt failed and that will be tried again now reads `retrying` (it read
`pending`, like one never attempted). Each attempt keeps the URL and headers it sent and
whether the answer was cut at 2 KiB; the body sent is rebuilt from the event row. Attempts
logged before this revision show no request. Downgrading reads `retrying` as `pending` again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009_delivery_requests"
down_revision = "0008_default_program"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
deliveries = sa.table(
    "deliveries", sa.column("status", sa.String()), sa.column("attempts", sa.Integer())
)


def upgrade() -> None:
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("request_headers", JSON, nullable=True))
        batch_op.add_column(sa.Column("response_truncated", sa.Boolean(), nullable=True))
    op.execute(
        deliveries.update()
        .where(deliveries.c.status == "pending", deliveries.c.attempts > 0)
        .values(status="retrying")
    )


def downgrade() -> None:
    op.execute(
        deliveries.update().where(deliveries.c.status == "retrying").values(status="pending")
    )
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_column("response_truncated")
        batch_op.drop_column("request_headers")
        batch_op.drop_column("request_url")
