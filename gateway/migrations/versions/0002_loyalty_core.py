"""loyalty core

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:12:02.414723
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import gateway.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_events_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_card", ["card_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_merchant_id"), ["merchant_id"], unique=False)
        batch_op.create_index(
            "ix_events_merchant_type", ["merchant_id", "type", "id"], unique=False
        )

    op.create_table(
        "programs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("stamps_goal", sa.Integer(), nullable=False),
        sa.Column(
            "reward",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "milestones",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("max_stamps_per_sale", sa.Integer(), nullable=True),
        sa.Column("stampless_when_redeeming", sa.Boolean(), nullable=False),
        sa.Column("auto_enroll", sa.Boolean(), nullable=False),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_programs_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "cards",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("stamps", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_cards_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_cards_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
        sa.UniqueConstraint("merchant_id", "number", name=op.f("uq_cards_merchant_id_number")),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_merchant_id"), ["merchant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cards_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "uq_cards_program_email",
            ["program_id", "email"],
            unique=True,
            sqlite_where=sa.text("email IS NOT NULL"),
            postgresql_where=sa.text("email IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_cards_program_phone",
            ["program_id", "phone"],
            unique=True,
            sqlite_where=sa.text("phone IS NOT NULL"),
            postgresql_where=sa.text("phone IS NOT NULL"),
        )

    op.create_table(
        "card_pos_ids",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("card_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("pos", sa.String(length=32), nullable=False),
        sa.Column("pos_customer_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_card_pos_ids_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_card_pos_ids_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_pos_ids")),
        sa.UniqueConstraint(
            "program_id",
            "pos",
            "pos_customer_id",
            name=op.f("uq_card_pos_ids_program_id_pos_pos_customer_id"),
        ),
    )
    with op.batch_alter_table("card_pos_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_pos_ids_card_id"), ["card_id"], unique=False)

    op.create_table(
        "sales",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("transaction_id", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=True),
        sa.Column("card_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("closed_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=128), nullable=True),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("stamps_added", sa.Integer(), nullable=False),
        sa.Column("stamps_reversed", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_sales_card_id_cards")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_sales_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_sales_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales")),
        sa.UniqueConstraint(
            "merchant_id",
            "source",
            "transaction_id",
            name=op.f("uq_sales_merchant_id_source_transaction_id"),
        ),
    )
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_card_id"), ["card_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "spins",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "lottery",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_sale_id", sa.String(length=40), nullable=True),
        sa.Column("source_cycle", sa.Integer(), nullable=True),
        sa.Column("source_milestone", sa.Integer(), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("played_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_spins_card_id_cards")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_spins_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_spins_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spins")),
    )
    with op.batch_alter_table("spins", schema=None) as batch_op:
        batch_op.create_index("ix_spins_card_status", ["card_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_spins_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "stamp_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("card_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("stamps_after", sa.Integer(), nullable=False),
        sa.Column("cycle_after", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("location", sa.String(length=128), nullable=True),
        sa.Column("staff", sa.String(length=128), nullable=True),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_stamp_entries_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_stamp_entries_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stamp_entries")),
    )
    with op.batch_alter_table("stamp_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stamp_entries_card_id"), ["card_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stamp_entries_sale_id"), ["sale_id"], unique=False)

    op.create_table(
        "vouchers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.String(length=40), nullable=True),
        sa.Column("card_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("image_url", sa.String(length=2048), nullable=True),
        sa.Column("redemption", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("code_mode", sa.String(length=8), nullable=True),
        sa.Column("code_key", sa.String(length=64), nullable=True),
        sa.Column(
            "reward",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("valid_until", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("issued_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("redeemed_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expired_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("voided_at", gateway.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_sale_id", sa.String(length=40), nullable=True),
        sa.Column("source_cycle", sa.Integer(), nullable=True),
        sa.Column("source_milestone", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("redeemed_channel", sa.String(length=8), nullable=True),
        sa.Column("redeemed_location", sa.String(length=128), nullable=True),
        sa.Column("redeemed_staff", sa.String(length=128), nullable=True),
        sa.Column("redeemed_sale_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_vouchers_card_id_cards")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_vouchers_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_vouchers_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_index("ix_vouchers_card_status", ["card_id", "status"], unique=False)
        batch_op.create_index(
            "ix_vouchers_merchant_code", ["merchant_id", "code_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vouchers_merchant_id"), ["merchant_id"], unique=False)
        batch_op.create_index("ix_vouchers_source_sale", ["source_sale_id"], unique=False)
        batch_op.create_index(
            "ix_vouchers_status_valid_until", ["status", "valid_until"], unique=False
        )
        batch_op.create_index(
            "uq_vouchers_merchant_unique_code",
            ["merchant_id", "code_key"],
            unique=True,
            sqlite_where=sa.text("code_mode = 'unique'"),
            postgresql_where=sa.text("code_mode = 'unique'"),
        )

    op.create_table(
        "refunds",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("merchant_id", sa.String(length=40), nullable=False),
        sa.Column("sale_id", sa.String(length=40), nullable=False),
        sa.Column("refund_id", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("stamps_reversed", sa.Integer(), nullable=False),
        sa.Column("shortfall", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", gateway.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_refunds_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"], name=op.f("fk_refunds_sale_id_sales")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("sale_id", "refund_id", name=op.f("uq_refunds_sale_id_refund_id")),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refunds_sale_id"), ["sale_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refunds_sale_id"))

    op.drop_table("refunds")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_vouchers_merchant_unique_code",
            sqlite_where=sa.text("code_mode = 'unique'"),
            postgresql_where=sa.text("code_mode = 'unique'"),
        )
        batch_op.drop_index("ix_vouchers_status_valid_until")
        batch_op.drop_index("ix_vouchers_source_sale")
        batch_op.drop_index(batch_op.f("ix_vouchers_merchant_id"))
        batch_op.drop_index("ix_vouchers_merchant_code")
        batch_op.drop_index("ix_vouchers_card_status")

    op.drop_table("vouchers")
    with op.batch_alter_table("stamp_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stamp_entries_sale_id"))
        batch_op.drop_index(batch_op.f("ix_stamp_entries_card_id"))

    op.drop_table("stamp_entries")
    with op.batch_alter_table("spins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spins_merchant_id"))
        batch_op.drop_index("ix_spins_card_status")

    op.drop_table("spins")
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_sales_card_id"))

    op.drop_table("sales")
    with op.batch_alter_table("card_pos_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_pos_ids_card_id"))

    op.drop_table("card_pos_ids")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_cards_program_phone",
            sqlite_where=sa.text("phone IS NOT NULL"),
            postgresql_where=sa.text("phone IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_cards_program_email",
            sqlite_where=sa.text("email IS NOT NULL"),
            postgresql_where=sa.text("email IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_cards_program_id"))
        batch_op.drop_index(batch_op.f("ix_cards_merchant_id"))

    op.drop_table("cards")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_merchant_id"))

    op.drop_table("programs")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_merchant_type")
        batch_op.drop_index(batch_op.f("ix_events_merchant_id"))
        batch_op.drop_index("ix_events_card")

    op.drop_table("events")
