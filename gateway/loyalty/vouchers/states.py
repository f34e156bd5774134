"""The voucher lifecycle: one transition table, typed refusals, and the redemption channel rule."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Final, Literal

from gateway.enums import Meanings
from gateway.loyalty.programs.rewards import Redemption

RedeemChannel = Annotated[
    Literal["self", "staff", "pos", "api"],
    Meanings(
        {
            "self": "the customer, from their Wallet card (only vouchers whose redemption is self)",
            "staff": "a cashier, by scanning or typing the voucher in the staff scanner",
            "pos": "the point of sale, reporting the voucher's code with a sale",
            "api": "the merchant's own system through this API",
        },
        "Who redeemed the voucher.",
    ),
]
VOUCHER_STATUS_MEANINGS = Meanings(
    {
        "issued": "created without a card; assign it to a card to make it usable",
        "active": "on a card and redeemable",
        "redeemed": "used (final, unless the redemption is rolled back)",
        "expired": "its validity ended before it was used (final)",
        "voided": "cancelled by the merchant or by a refund of the sale that paid for it (final)",
    },
    "Where the voucher is in its life: issued -> active -> redeemed, active -> expired, voided.",
)

CHANNEL_NOT_ALLOWED: Final = "channel_not_allowed"


class VoucherStatus(StrEnum):
    """Where a voucher is in its life; ``redeemed``, ``expired`` and ``voided`` are final."""

    ISSUED = "issued"
    ACTIVE = "active"
    REDEEMED = "redeemed"
    EXPIRED = "expired"
    VOIDED = "voided"


class VoucherAction(StrEnum):
    """What can be done to a voucher."""

    ACTIVATE = "activate"
    REDEEM = "redeem"
    EXPIRE = "expire"
    VOID = "void"
    ROLLBACK_REDEMPTION = "rollback_redemption"


_S = VoucherStatus
_A = VoucherAction

TRANSITIONS: Final[Mapping[tuple[VoucherStatus, VoucherAction], VoucherStatus]] = MappingProxyType(
    {
        (_S.ISSUED, _A.ACTIVATE): _S.ACTIVE,
        (_S.ACTIVE, _A.REDEEM): _S.REDEEMED,
        (_S.ACTIVE, _A.EXPIRE): _S.EXPIRED,
        (_S.ISSUED, _A.VOID): _S.VOIDED,
        (_S.ACTIVE, _A.VOID): _S.VOIDED,
        # The one way back out of a final state: undoing a redemption recorded in error.
        (_S.REDEEMED, _A.ROLLBACK_REDEMPTION): _S.ACTIVE,
    }
)

FINAL_STATUSES: Final = frozenset({_S.REDEEMED, _S.EXPIRED, _S.VOIDED})

_REFUSED_BY_FINAL_STATUS: Final[Mapping[VoucherStatus, str]] = MappingProxyType(
    {_S.REDEEMED: "already_redeemed", _S.EXPIRED: "expired", _S.VOIDED: "voided"}
)


# One wording for each refusal, whichever route (voucher, code desk, sale) meets it.
REFUSAL_DETAILS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "already_redeemed": "The voucher was already redeemed.",
        "expired": "The voucher has expired.",
        "voided": "The voucher was voided.",
        "not_active": "The voucher is not active: it has not been given to a card yet.",
        "already_active": "The voucher is already active.",
        "not_redeemed": "The voucher is not redeemed, so there is nothing to roll back.",
    }
)


class InvalidTransition(Exception):  # noqa: N818 -- the name the domain uses
    """An action the voucher's status does not allow; ``reason_code`` is the contract code."""

    def __init__(self, status: VoucherStatus, action: VoucherAction, reason_code: str) -> None:
        super().__init__(f"cannot {action.value} a voucher that is {status.value} ({reason_code})")
        self.status = status
        self.action = action
        self.reason_code = reason_code


def refusal_reason(status: VoucherStatus, action: VoucherAction) -> str | None:
    """The contract code that refuses ``action`` in ``status``, or None when it is allowed."""
    if (status, action) in TRANSITIONS:
        return None
    if status in _REFUSED_BY_FINAL_STATUS:
        return _REFUSED_BY_FINAL_STATUS[status]
    if action is VoucherAction.ROLLBACK_REDEMPTION:
        return "not_redeemed"
    if status is VoucherStatus.ACTIVE:  # only activate is left
        return "already_active"
    return "not_active"  # issued: redeem or expire before it was given to a card


def refusals(action: VoucherAction) -> tuple[str, ...]:
    """Every code that can refuse ``action``, whatever the voucher's status."""
    reasons = {refusal_reason(status, action) for status in VoucherStatus}
    return tuple(sorted(reason for reason in reasons if reason is not None))


def transition(status: VoucherStatus, action: VoucherAction) -> VoucherStatus:
    """The status after ``action``; raises InvalidTransition when the table has no such move."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        reason = refusal_reason(status, action)
        assert reason is not None
        raise InvalidTransition(status, action, reason)
    return target


def is_final(status: VoucherStatus) -> bool:
    """True for ``redeemed``, ``expired`` and ``voided``."""
    return status in FINAL_STATUSES


def check_channel(redemption: Redemption, channel: RedeemChannel) -> str | None:
    """``channel_not_allowed`` when a voucher's redemption mode refuses the channel, else None.

    The rule: a ``self`` voucher (the customer taps "redeem" in the Wallet) may be redeemed
    through every channel. ``staff`` and ``code`` vouchers must be checked by the merchant's
    side (a cashier's scanner, the POS reporting the code, or the merchant's API), so they
    refuse ``self``: a customer could otherwise redeem them without buying anything.
    """
    if redemption != "self" and channel == "self":
        return CHANNEL_NOT_ALLOWED
    return None
