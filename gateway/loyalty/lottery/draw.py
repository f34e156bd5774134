"""Drawing a lottery variant by its exact decimal probability."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

# Probabilities have at most two decimals, so whole hundredths of a percent are exact.
SLOTS = 10_000
_SYSTEM_RANDOM = secrets.SystemRandom()


class Weighted(Protocol):
    """Anything with a probability in percent, like a lottery variant."""

    @property
    def probability(self) -> Decimal:
        """Chance in percent, at most two decimals."""
        ...


def _hundredths(probability: Decimal) -> int:
    scaled = probability.scaleb(2)
    if scaled != scaled.to_integral_value() or scaled <= 0:
        raise ValueError(f"probability {probability} is not a positive multiple of 0.01")
    return int(scaled)


def draw(variants: Sequence[Weighted], rng: random.Random | None = None) -> int:
    """The index of the variant drawn; ``rng`` defaults to ``secrets.SystemRandom``.

    ``secrets.SystemRandom`` is a ``random.Random``, so both fit; tests pass a seeded one.
    """
    weights = [_hundredths(variant.probability) for variant in variants]
    if sum(weights) != SLOTS:
        raise ValueError("variant probabilities must add up to exactly 100.00")
    roll = (rng or _SYSTEM_RANDOM).randrange(SLOTS)
    for index, weight in enumerate(weights):
        if roll < weight:
            return index
        roll -= weight
    raise AssertionError("unreachable: the weights add up to SLOTS")
