"""Staff seats: staff users bound to a location and a seat name, signing devices in by link;
spins remember who played them

Revision ID: 0020_staff_seats
Revises: 0019_campaigns
Create Date: 2026-12-01 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0020_staff_seats"
down_revision = "0019_campaigns"
branch_labels = None
depends_on = None

SPIN_COLUMNS = (("played_channel", 16), ("played_location", 128), ("played_staff", 128))


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=True)
    op.create_table(
        "staff_seats",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("location", sa.String(length=128), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("repeat_seconds", sa.Integer(), nullable=False),
        sa.Column("link_nonce", sa.String(length=32), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["id"], ["users.id"]),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_seats_merchant_id", "staff_seats", ["merchant_id"])
    op.create_index(
        "uq_staff_seats_merchant_name",
        "staff_seats",
        ["merchant_id", "name"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    with op.batch_alter_table("spins") as batch:
        for name, length in SPIN_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("spins") as batch:
        for name, _length in reversed(SPIN_COLUMNS):
            batch.drop_column(name)
    op.drop_index("uq_staff_seats_merchant_name", table_name="staff_seats")
    op.drop_index("ix_staff_seats_merchant_id", table_name="staff_seats")
    op.drop_table("staff_seats")
    op.execute("DELETE FROM users WHERE email IS NULL")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=False)
