"""redeem codes: code pools, redemptions, holds

Revision ID: 0004_redeem_codes
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db

revision = "0004_redeem_codes"
down_revision = "0003"
branch_labels = None
depends_on = None

_UNIQUE_CODES_BEFORE = "code_mode = 'unique'"
_UNIQUE_CODES_AFTER = "code_mode IN ('unique', 'pool')"


def upgrade() -> None:
    op.create_table(
        "code_pools",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_code_pools_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_pools")),
    )
    with op.batch_alter_table("code_pools", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_code_pools_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "pool_codes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("pool_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("code_key", sa.String(length=64), nullable=False),
        sa.Column("voucher_id", sa.String(length=40), nullable=True),
        sa.Column("added_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("taken_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["code_pools.id"], name=op.f("fk_pool_codes_pool_id_code_pools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_codes")),
        sa.UniqueConstraint("pool_id", "code_key", name=op.f("uq_pool_codes_pool_id_code_key")),
    )
    with op.batch_alter_table("pool_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pool_codes_free",
            ["pool_id", "id"],
            unique=False,
            sqlite_where=sa.text("voucher_id IS NULL"),
            postgresql_where=sa.text("voucher_id IS NULL"),
        )

    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_pool_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("hold_id", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("held_until", gateway.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("held_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("redemption_id", sa.String(length=40), nullable=True))
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_index("ix_vouchers_code_pool", ["code_pool_id"], unique=False)
        batch_op.create_index("uq_vouchers_hold_id", ["hold_id"], unique=True)
        batch_op.drop_index("uq_vouchers_merchant_unique_code")
        batch_op.create_index(
            "uq_vouchers_merchant_unique_code",
            ["merchant_id", "code_key"],
            unique=True,
            sqlite_where=sa.text(_UNIQUE_CODES_AFTER),
            postgresql_where=sa.text(_UNIQUE_CODES_AFTER),
        )

    op.create_table(
        "redemptions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("voucher_id", sa.String(length=40), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("location", sa.String(length=128), nullable=True),
        sa.Column("staff", sa.String(length=128), nullable=True),
        sa.Column("pos_transaction_id", sa.String(length=128), nullable=True),
        sa.Column("sale_id", sa.String(length=40), nullable=True),
        sa.Column("hold_id", sa.String(length=40), nullable=True),
        sa.Column("redeemed_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rolled_back_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rollback_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_redemptions_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_redemptions_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["vouchers.id"], name=op.f("fk_redemptions_voucher_id_vouchers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redemptions")),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_redemptions_merchant_id"), ["merchant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_redemptions_voucher_id"), ["voucher_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemptions_voucher_id"))
        batch_op.drop_index(batch_op.f("ix_redemptions_merchant_id"))

    op.drop_table("redemptions")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index("uq_vouchers_merchant_unique_code")
        batch_op.create_index(
            "uq_vouchers_merchant_unique_code",
            ["merchant_id", "code_key"],
            unique=True,
            sqlite_where=sa.text(_UNIQUE_CODES_BEFORE),
            postgresql_where=sa.text(_UNIQUE_CODES_BEFORE),
        )
        batch_op.drop_index("uq_vouchers_hold_id")
        batch_op.drop_index("ix_vouchers_code_pool")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_column("redemption_id")
        batch_op.drop_column("held_by")
        batch_op.drop_column("held_until")
        batch_op.drop_column("hold_id")
        batch_op.drop_column("code_pool_id")

    with op.batch_alter_table("pool_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_pool_codes_free")

    op.drop_table("pool_codes")
    with op.batch_alter_table("code_pools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_pools_merchant_id"))

    op.drop_table("code_pools")
