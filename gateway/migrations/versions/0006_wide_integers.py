"""wide integers: sale totals as BIGINT; stored stamp rules within their bounds

Revision ID: 0006_wide_integers
Revises: 0005_pos_connections
Create Date: 2026-12-01 09:30:00

A sale total may be up to 10^12 minor units, past PostgreSQL's INTEGER. Stamp rules gained
maximums (stamps 10,000, ``every`` and ``min_total`` 10^12): programs saved before them are
brought within, so that every stored program still reads. Downgrading narrows the column
again, which fails while a total above 2,147,483,647 is stored.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_wide_integers"
down_revision = "0005_pos_connections"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# The bounds as this revision knows them (the application's may change later).
RULE_MAXIMUMS = {"stamps": 10_000, "every": 10**12, "min_total": 10**12}


def upgrade() -> None:
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.alter_column(
            "total", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
        )
    _bound_stored_rules()


def downgrade() -> None:
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.alter_column(
            "total", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
        )


def _bound_stored_rules() -> None:
    programs = sa.table("programs", sa.column("id", sa.String()), sa.column("rules", JSON))
    connection = op.get_bind()
    for program_id, rules in connection.execute(sa.select(programs.c.id, programs.c.rules)):
        bounded = [_bounded(rule) for rule in rules or []]
        if bounded != rules:
            connection.execute(
                programs.update().where(programs.c.id == program_id).values(rules=bounded)
            )


def _bounded(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        key: min(value, RULE_MAXIMUMS[key])
        if key in RULE_MAXIMUMS and isinstance(value, int)
        else value
        for key, value in rule.items()
    }
