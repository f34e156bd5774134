"""Rewards a program gives: Award, Voucher and Lottery, validated as the contract describes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from gateway.enums import Meanings
from gateway.loyalty.codes.text import (
    CODE_PLACEHOLDER,
    SPARSENESS,
    pattern_space,
    placeholders_needed,
)
from gateway.loyalty.programs.warnings import ProgramWarning, warning
from gateway.strict import FrozenStrictModel
from gateway.text import reject_control_characters

Redemption = Annotated[
    Literal["self", "staff", "code"],
    Meanings(
        {
            "self": "the customer redeems it in their Wallet card (the voucher page's button); "
            "every other channel may redeem it too",
            "staff": "a cashier scans its QR code or barcode (or types its id); the customer "
            "cannot redeem it alone",
            "code": "its redeem code is entered at the till (the POS reports the promo code) "
            "or at the code desk; the customer cannot redeem it alone",
        },
        "Who may redeem the voucher.",
    ),
]
VariantKind = Annotated[
    Literal["award", "voucher", "try_again", "no_prize"],
    Meanings(
        {
            "award": "wins the variant's Award (handed over on sight)",
            "voucher": "wins the variant's voucher",
            "try_again": "wins nothing now but gives a new spin",
            "no_prize": "wins nothing",
        },
        "What a lottery variant gives.",
    ),
]

HUNDRED = Decimal("100.00")
_CENT = Decimal("0.01")
MIN_PATTERN_PLACEHOLDERS = 4
DEFAULT_EXPECTED_VOLUME = 1_000
# Validation context of rewards read back from the database: they were checked when saved, and
# a rule tightened since must not break issuing from programs saved before it.
STORED: dict[str, bool] = {"stored": True}
# The codes a reward definition is refused with, beside validation_error (unknown_code_pool by
# the service, which looks the pools up).
REWARD_REFUSALS = ("probabilities_not_100", "pattern_too_small", "unknown_code_pool")


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an http(s) URL")
    if any(char.isspace() or not char.isprintable() for char in value):
        raise ValueError("must not contain spaces or control characters")
    return value


def _code_pattern(value: str) -> str:
    reject_control_characters(value)
    if value.count(CODE_PLACEHOLDER) < MIN_PATTERN_PLACEHOLDERS:
        # Fewer random characters would make unique codes easy to guess and quick to run out.
        raise ValueError(
            f"needs at least {MIN_PATTERN_PLACEHOLDERS} '{CODE_PLACEHOLDER}' placeholders "
            "(each becomes a random character)"
        )
    return value


def _two_places(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Greeting = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
ImageUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2048), AfterValidator(_http_url)
]
CodeValue = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(reject_control_characters),
]
CodePattern = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_code_pattern),
]
PoolId = Annotated[str, StringConstraints(pattern=r"^cpl_[0-9a-z]{26}$")]
Probability = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2), AfterValidator(_two_places)]


class SharedCode(FrozenStrictModel):
    """One code, the same for every voucher (e.g. the merchant's POS promo code)."""

    mode: Literal["shared"]
    value: CodeValue


class UniqueCode(FrozenStrictModel):
    """A code per voucher from a pattern; each '#' becomes a random unambiguous character.

    Text around the placeholders is kept as it is: a prefix and suffix (``PZ-####-####``).
    """

    mode: Literal["unique"]
    pattern: CodePattern
    expected_volume: int = Field(
        default=DEFAULT_EXPECTED_VOLUME,
        ge=1,
        le=1_000_000_000,
        description="How many codes this reward may issue; the pattern must offer "
        f"{SPARSENESS} times as many",
    )

    @model_validator(mode="after")
    def _space_fits_volume(self, info: ValidationInfo) -> UniqueCode:
        if info.context == STORED:
            return self
        space = pattern_space(self.pattern)
        if space < self.expected_volume * SPARSENESS:
            raise PydanticCustomError(
                "pattern_too_small",
                "{pattern} offers {space} codes; {volume} expected vouchers need "
                "{sparseness} codes each, so that a guessed code is not one of them: "
                "use at least {needed} '#' (or lower expected_volume)",
                {
                    "pattern": self.pattern,
                    "space": f"{space:,}",
                    "volume": f"{self.expected_volume:,}",
                    "sparseness": f"{SPARSENESS:,}",
                    "needed": placeholders_needed(self.expected_volume),
                },
            )
        return self


class PoolCode(FrozenStrictModel):
    """A code per voucher, taken from one of the merchant's code pools (``cpl_...``)."""

    mode: Literal["pool"]
    pool_id: PoolId


VoucherCode = Annotated[SharedCode | UniqueCode | PoolCode, Field(discriminator="mode")]


class UnlimitedValidity(FrozenStrictModel):
    """The voucher never expires."""

    kind: Literal["unlimited"]


class DaysValidity(FrozenStrictModel):
    """Valid for ``count`` days after issue."""

    kind: Literal["days"]
    count: int = Field(ge=1, le=36_500)


class MonthsValidity(FrozenStrictModel):
    """Valid for ``count`` calendar months after issue."""

    kind: Literal["months"]
    count: int = Field(ge=1, le=1_200)


class FixedDateValidity(FrozenStrictModel):
    """Valid until the end of ``date`` in the merchant's time zone."""

    kind: Literal["fixed_date"]
    date: dt.date


Validity = Annotated[
    UnlimitedValidity | DaysValidity | MonthsValidity | FixedDateValidity,
    Field(discriminator="kind"),
]


class Award(FrozenStrictModel):
    """A reward the staff hands over on sight; nothing to redeem later."""

    type: Literal["award"]
    description: Description
    image_url: ImageUrl | None = None


class VoucherReward(FrozenStrictModel):
    """A Smart Voucher: redeemed later by the customer, the staff or a code at the till."""

    type: Literal["voucher"]
    description: Description
    image_url: ImageUrl | None = None
    redemption: Redemption
    code: VoucherCode | None = Field(default=None, validate_default=True)
    validity: Validity = Field(default_factory=lambda: UnlimitedValidity(kind="unlimited"))

    @field_validator("code")
    @classmethod
    def _code_when_redeemed_by_code(
        cls, value: SharedCode | UniqueCode | PoolCode | None, info: ValidationInfo
    ) -> SharedCode | UniqueCode | PoolCode | None:
        if value is None and info.data.get("redemption") == "code":
            raise ValueError("a voucher redeemed by code needs a code (shared, unique or pool)")
        return value


PrizeReward = Annotated[Award | VoucherReward, Field(discriminator="type")]


class LotteryVariant(FrozenStrictModel):
    """One slot of the wheel: its outcome kind, chance in percent, and prize if any."""

    kind: VariantKind
    probability: Probability
    name: Name
    greeting: Greeting = ""
    reward: PrizeReward | None = Field(default=None, validate_default=True)

    @field_validator("reward")
    @classmethod
    def _reward_matches_kind(
        cls, value: Award | VoucherReward | None, info: ValidationInfo
    ) -> Award | VoucherReward | None:
        kind = info.data.get("kind")
        if kind is None:  # the kind itself failed; its own error says so
            return value
        if kind in {"award", "voucher"}:
            if value is None or value.type != kind:
                raise ValueError(f"a variant of kind {kind!r} needs a reward of type {kind!r}")
        elif value is not None:
            raise ValueError(f"a variant of kind {kind!r} gives no reward; leave it out")
        return value


class Lottery(FrozenStrictModel):
    """A spin of a wheel whose variant probabilities add up to exactly 100.00."""

    type: Literal["lottery"]
    name: Name
    variants: list[LotteryVariant] = Field(min_length=1, max_length=100)

    @field_validator("variants")
    @classmethod
    def _probabilities_add_up(cls, value: list[LotteryVariant]) -> list[LotteryVariant]:
        total = sum((variant.probability for variant in value), Decimal(0))
        if total != HUNDRED:
            raise PydanticCustomError(
                "probabilities_not_100",
                "variant probabilities add up to {total}, not exactly 100.00",
                {"total": f"{total:.2f}"},
            )
        return value


Reward = Annotated[Award | VoucherReward | Lottery, Field(discriminator="type")]
REWARD: TypeAdapter[Award | VoucherReward | Lottery] = TypeAdapter(Reward)


def voucher_rewards(reward: Award | VoucherReward | Lottery) -> list[VoucherReward]:
    """The vouchers a reward can give: itself, or the voucher prizes of a lottery."""
    if isinstance(reward, VoucherReward):
        return [reward]
    if isinstance(reward, Lottery):
        return [v.reward for v in reward.variants if isinstance(v.reward, VoucherReward)]
    return []


NO_PRIZE_WARNING_ABOVE = Decimal("50.00")


def lottery_warnings(lottery: Lottery) -> list[ProgramWarning]:
    """Allowed but probably unintended lottery set-ups."""
    warnings: list[ProgramWarning] = []
    if any(variant.probability == HUNDRED for variant in lottery.variants):
        warnings.append(
            warning(
                "lottery_certain_outcome",
                f"{lottery.name}: one variant has a 100% probability: every spin has the same "
                "outcome",
            )
        )
    no_prize = sum(
        (variant.probability for variant in lottery.variants if variant.kind == "no_prize"),
        Decimal(0),
    )
    if no_prize > NO_PRIZE_WARNING_ABOVE:
        warnings.append(
            warning(
                "lottery_mostly_no_prize",
                f"{lottery.name}: no_prize has a {no_prize:.2f}% probability: most spins win "
                "nothing (above 50%)",
            )
        )
    return warnings
