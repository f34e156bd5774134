"""Wallet passes: programs' Wallet designs; Apple Wallet credentials, passes handed out,
device registrations and APNs pushes

Revision ID: 0024_apple_wallet
Revises: 0021_pool_sources
Create Date: 2026-12-01 20:30:00

The private key is sealed with STAMPGATE_SECRET_KEY. A pass's update tag moves with every
change that alters it; pushes are a table-queue (``next_attempt_at``, ``locked_until``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0024_apple_wallet"
down_revision = "0023_automations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wallet_designs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("background_color", sa.String(length=7), nullable=True),
        sa.Column("foreground_color", sa.String(length=7), nullable=True),
        sa.Column("label_color", sa.String(length=7), nullable=True),
        sa.Column("stamps_label", sa.String(length=20), nullable=True),
        sa.Column("reward_label", sa.String(length=20), nullable=True),
        sa.Column("logo_png", sa.LargeBinary(), nullable=True),
        sa.Column("icon_png", sa.LargeBinary(), nullable=True),
        sa.Column("strip_png", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_wallet_designs_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_wallet_designs_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_designs")),
        sa.UniqueConstraint("program_id", name=op.f("uq_wallet_designs_program_id")),
    )
    with op.batch_alter_table("wallet_designs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wallet_designs_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "apple_passes",
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("update_tag", sa.BigInteger(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=True),
        sa.Column("updated_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_apple_passes_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_apple_passes")),
    )
    with op.batch_alter_table("apple_passes", schema=None) as batch_op:
        batch_op.create_index("ix_apple_passes_merchant", ["merchant_id"], unique=False)

    op.create_table(
        "apple_pushes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("push_token", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_apple_pushes_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apple_pushes")),
    )
    with op.batch_alter_table("apple_pushes", schema=None) as batch_op:
        batch_op.create_index("ix_apple_pushes_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_apple_pushes_serial", ["serial"], unique=False)

    op.create_table(
        "apple_wallet_credentials",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("pass_type_id", sa.String(length=255), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("wwdr_pem", sa.Text(), nullable=False),
        sa.Column("sealed_key", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=1000), nullable=False),
        sa.Column("not_after", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("key_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_apple_wallet_credentials_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apple_wallet_credentials")),
        sa.UniqueConstraint("merchant_id", name=op.f("uq_apple_wallet_credentials_merchant_id")),
    )
    op.create_table(
        "apple_registrations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("device_library_id", sa.String(length=128), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("push_token", sa.String(length=200), nullable=False),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_apple_registrations_merchant_id_merchants"),
        ),
        sa.ForeignKeyConstraint(
            ["serial"],
            ["apple_passes.serial"],
            name=op.f("fk_apple_registrations_serial_apple_passes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apple_registrations")),
        sa.UniqueConstraint(
            "device_library_id",
            "serial",
            name=op.f("uq_apple_registrations_device_library_id_serial"),
        ),
    )
    with op.batch_alter_table("apple_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apple_registrations_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index("ix_apple_registrations_serial", ["serial"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wallet_designs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallet_designs_merchant_id"))

    op.drop_table("wallet_designs")
    with op.batch_alter_table("apple_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_apple_registrations_serial")
        batch_op.drop_index(batch_op.f("ix_apple_registrations_merchant_id"))

    op.drop_table("apple_registrations")
    op.drop_table("apple_wallet_credentials")
    with op.batch_alter_table("apple_pushes", schema=None) as batch_op:
        batch_op.drop_index("ix_apple_pushes_serial")
        batch_op.drop_index("ix_apple_pushes_due")

    op.drop_table("apple_pushes")
    with op.batch_alter_table("apple_passes", schema=None) as batch_op:
        batch_op.drop_index("ix_apple_passes_merchant")

    op.drop_table("apple_passes")
