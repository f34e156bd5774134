"""The voucher state machine: every allowed and every refused move, and the channel rule."""

from __future__ import annotations

import itertools

import pytest

from gateway.loyalty.programs.rewards import Redemption
from gateway.loyalty.vouchers.states import (
    REFUSAL_DETAILS,
    TRANSITIONS,
    InvalidTransition,
    RedeemChannel,
    VoucherAction,
    VoucherStatus,
    check_channel,
    is_final,
    refusal_reason,
    transition,
)

S = VoucherStatus
A = VoucherAction

ALLOWED = {
    (S.ISSUED, A.ACTIVATE): S.ACTIVE,
    (S.ACTIVE, A.REDEEM): S.REDEEMED,
    (S.ACTIVE, A.EXPIRE): S.EXPIRED,
    (S.ISSUED, A.VOID): S.VOIDED,
    (S.ACTIVE, A.VOID): S.VOIDED,
    (S.REDEEMED, A.ROLLBACK_REDEMPTION): S.ACTIVE,
}

REFUSED = {
    (S.ISSUED, A.REDEEM): "not_active",
    (S.ISSUED, A.EXPIRE): "not_active",
    (S.ISSUED, A.ROLLBACK_REDEMPTION): "not_redeemed",
    (S.ACTIVE, A.ACTIVATE): "already_active",
    (S.ACTIVE, A.ROLLBACK_REDEMPTION): "not_redeemed",
    (S.REDEEMED, A.ACTIVATE): "already_redeemed",
    (S.REDEEMED, A.REDEEM): "already_redeemed",
    (S.REDEEMED, A.EXPIRE): "already_redeemed",
    (S.REDEEMED, A.VOID): "already_redeemed",
    **{(S.EXPIRED, action): "expired" for action in A},
    **{(S.VOIDED, action): "voided" for action in A},
}


def test_the_cases_cover_every_pair_once() -> None:
    assert set(ALLOWED).isdisjoint(REFUSED)
    assert set(ALLOWED) | set(REFUSED) == set(itertools.product(S, A))
    assert dict(TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(("move", "target"), ALLOWED.items(), ids=str)
def test_allowed_moves(move: tuple[VoucherStatus, VoucherAction], target: VoucherStatus) -> None:
    assert transition(*move) is target
    assert refusal_reason(*move) is None


@pytest.mark.parametrize(("move", "reason"), REFUSED.items(), ids=str)
def test_refused_moves_raise_with_the_contract_code(
    move: tuple[VoucherStatus, VoucherAction], reason: str
) -> None:
    status, action = move
    with pytest.raises(InvalidTransition) as caught:
        transition(status, action)
    assert (caught.value.status, caught.value.action) == (status, action)
    assert caught.value.reason_code == reason
    assert refusal_reason(status, action) == reason
    assert reason in str(caught.value)


def test_statuses_and_actions_are_their_strings() -> None:
    assert VoucherStatus("redeemed") is S.REDEEMED
    assert str(A.ROLLBACK_REDEMPTION) == "rollback_redemption"
    assert [status.value for status in S] == ["issued", "active", "redeemed", "expired", "voided"]


@pytest.mark.parametrize("status", list(S))
def test_final_statuses(status: VoucherStatus) -> None:
    assert is_final(status) is (status in {S.REDEEMED, S.EXPIRED, S.VOIDED})


CHANNEL_CASES: list[tuple[Redemption, RedeemChannel, str | None]] = [
    ("self", "self", None),
    ("self", "staff", None),
    ("self", "pos", None),
    ("self", "api", None),
    ("staff", "self", "channel_not_allowed"),
    ("staff", "staff", None),
    ("staff", "pos", None),
    ("staff", "api", None),
    ("code", "self", "channel_not_allowed"),
    ("code", "staff", None),
    ("code", "pos", None),
    ("code", "api", None),
]


@pytest.mark.parametrize(("redemption", "channel", "expected"), CHANNEL_CASES)
def test_redemption_channels(
    redemption: Redemption, channel: RedeemChannel, expected: str | None
) -> None:
    assert check_channel(redemption, channel) == expected


def test_every_refusal_has_one_wording() -> None:
    refusals = {
        refusal_reason(status, action)
        for status, action in itertools.product(VoucherStatus, VoucherAction)
    } - {None}
    assert refusals == set(REFUSAL_DETAILS)
    assert all(detail.endswith(".") for detail in REFUSAL_DETAILS.values())
