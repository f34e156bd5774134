"""Stamp rules of a program and the pure evaluation of a sale against them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, model_validator

PosId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

MAX_MINOR_UNITS = 10**12
"""The largest money amount (sale total, line amount, rule threshold) in minor units."""
MAX_STAMPS_PER_SALE = 10_000
"""The most stamps one sale may earn, and so the most a program's cap or one rule may give."""
DEFAULT_MAX_STAMPS_PER_SALE = 1_000
"""The cap of a program that sets no ``max_stamps_per_sale``."""


class _RuleBase(BaseModel):
    """Fields every rule has; unknown fields are refused so typos fail loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stamps: int = Field(
        ge=1, le=MAX_STAMPS_PER_SALE, description="Stamps this rule gives per unit it counts"
    )


class PerSaleRule(_RuleBase):
    """``stamps`` once per sale, when its total reaches ``min_total`` (if given)."""

    kind: Literal["per_sale"]
    min_total: int | None = Field(default=None, ge=0, le=MAX_MINOR_UNITS, description="Minor units")


class PerItemRule(_RuleBase):
    """``stamps`` per unit of every line whose product or category is listed."""

    kind: Literal["per_item"]
    products: list[PosId] = Field(default_factory=list, max_length=1000)
    categories: list[PosId] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _needs_something_to_match(self) -> PerItemRule:
        if not self.products and not self.categories:
            raise ValueError("a per_item rule needs at least one product or category")
        return self


class PerAmountRule(_RuleBase):
    """``stamps`` per whole ``every`` minor units of the sale total."""

    kind: Literal["per_amount"]
    every: int = Field(ge=1, le=MAX_MINOR_UNITS, description="Minor units")


Rule = Annotated[PerSaleRule | PerItemRule | PerAmountRule, Field(discriminator="kind")]
RULES: TypeAdapter[list[Rule]] = TypeAdapter(list[Rule])


class SaleLine(BaseModel):
    """One line of a sale as the rules see it: what was sold, how many, for how much."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product: str | None = None
    category: str | None = None
    # Whole units: connectors round weighed goods before they get here.
    quantity: int = Field(ge=0)
    amount: int = Field(ge=0, description="Minor units")


def _per_item_units(rule: PerItemRule, lines: Sequence[SaleLine]) -> int:
    products = frozenset(rule.products)
    categories = frozenset(rule.categories)
    return sum(
        line.quantity
        for line in lines
        if (line.product is not None and line.product in products)
        or (line.category is not None and line.category in categories)
    )


def stamps_for_rule(rule: Rule, lines: Sequence[SaleLine], total: int) -> int:
    """Stamps one rule gives a sale (uncapped, never negative)."""
    if isinstance(rule, PerSaleRule):
        reached = rule.min_total is None or total >= rule.min_total
        return rule.stamps if reached else 0
    if isinstance(rule, PerItemRule):
        return rule.stamps * _per_item_units(rule, lines)
    # A negative total (a refund-like sale) earns nothing rather than taking stamps away.
    return rule.stamps * (max(total, 0) // rule.every)


def stamps_for_sale(
    lines: Iterable[SaleLine],
    total: int,
    rules: Sequence[Rule],
    max_stamps_per_sale: int | None,
) -> int:
    """Stamps a sale earns: the sum of all rules, capped by ``max_stamps_per_sale``.

    Without a cap of its own a program gets ``DEFAULT_MAX_STAMPS_PER_SALE``.
    """
    materialized = tuple(lines)
    earned = sum(stamps_for_rule(rule, materialized, total) for rule in rules)
    cap = DEFAULT_MAX_STAMPS_PER_SALE if max_stamps_per_sale is None else max_stamps_per_sale
    return max(min(earned, cap), 0)
