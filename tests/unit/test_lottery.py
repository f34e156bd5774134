"""Lottery draws follow the exact decimal probabilities."""

from __future__ import annotations

import math
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest

from gateway.loyalty.lottery.draw import draw
from gateway.loyalty.programs.rewards import Lottery


@dataclass(frozen=True)
class Slot:
    probability: Decimal


def slots(*probabilities: str) -> list[Slot]:
    return [Slot(Decimal(p)) for p in probabilities]


def test_frequencies_match_the_probabilities() -> None:
    variants = slots("50.00", "25.00", "12.50", "12.49", "0.01")
    rng = random.Random(20261122)
    draws = 200_000
    counts = Counter(draw(variants, rng) for _ in range(draws))
    for index, variant in enumerate(variants):
        p = float(variant.probability) / 100
        tolerance = 5 * math.sqrt(p * (1 - p) / draws)  # five standard deviations
        assert abs(counts[index] / draws - p) <= tolerance, (index, counts[index])


def test_a_100_percent_slot_always_wins() -> None:
    rng = random.Random(1)
    assert {draw(slots("100"), rng) for _ in range(100)} == {0}


def test_every_hundredth_maps_to_one_variant() -> None:
    class Fixed(random.Random):
        def __init__(self, value: int) -> None:
            super().__init__()
            self.value = value

        def randrange(self, *args: object, **kwargs: object) -> int:
            return self.value

    variants = slots("0.01", "99.98", "0.01")
    assert draw(variants, Fixed(0)) == 0
    assert draw(variants, Fixed(1)) == 1
    assert draw(variants, Fixed(9998)) == 1
    assert draw(variants, Fixed(9999)) == 2


def test_works_with_lottery_variants_and_the_system_random() -> None:
    lottery = Lottery.model_validate(
        {
            "type": "lottery",
            "name": "Spin",
            "variants": [
                {"kind": "try_again", "probability": "60", "name": "Again"},
                {"kind": "no_prize", "probability": "40", "name": "Nothing"},
            ],
        }
    )
    assert draw(lottery.variants, secrets.SystemRandom()) in {0, 1}
    assert draw(lottery.variants) in {0, 1}


@pytest.mark.parametrize(
    ("probabilities", "message"),
    [
        (("50", "49.99"), "exactly 100.00"),
        (("50", "50.01"), "exactly 100.00"),
        ((), "exactly 100.00"),
        (("99.995", "0.005"), "multiple of 0.01"),
        (("100", "0"), "positive"),
    ],
)
def test_bad_weights_are_refused(probabilities: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw(slots(*probabilities), random.Random(0))
