"""What a campaign body must hold beyond its shape: each channel's text, a Wallet push of at
most 20 user-perceived characters, a voucher reward, a send time not in the past."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import regex

from gateway.campaigns.schemas import PUSH_TEXT_GRAPHEMES, CampaignIn
from gateway.errors import DomainError
from gateway.loyalty.programs.rewards import Reward, VoucherReward

# Each channel and the text it sends.
TEXT_OF = {"wallet": "push_text", "email": "message_text", "messenger": "message_text"}
# How far in the past a send_at may be: the clocks of caller and gateway differ a little.
SEND_AT_TOLERANCE_SECONDS = 60
_GRAPHEME = regex.compile(r"\X")
MESSAGE_REFUSALS = ("channel_text_missing", "push_text_too_long", "not_a_voucher_reward")
REFUSALS = (*MESSAGE_REFUSALS, "send_at_in_past")


def graphemes(text: str) -> int:
    """How many user-perceived characters (extended grapheme clusters, UAX #29) ``text`` has."""
    return len(_GRAPHEME.findall(text))


def _refuse(code: str, field: str, message: str) -> DomainError:
    error: dict[str, Any] = {"loc": [field], "msg": message, "type": code}
    return DomainError(code, f"{field}: {message}.", errors=[error])


class MessageParts(Protocol):
    """What a campaign and an automation both send: channels, their texts, a voucher."""

    @property
    def channels(self) -> Sequence[str]: ...
    @property
    def push_text(self) -> str | None: ...
    @property
    def message_text(self) -> str | None: ...
    @property
    def voucher(self) -> Reward | None: ...


def check_campaign(body: CampaignIn, now: datetime) -> VoucherReward | None:
    """Refuse what the body cannot send; the voucher reward to attach, if any."""
    voucher = check_message(body)
    if (
        body.send_at is not None
        and (now - body.send_at).total_seconds() > SEND_AT_TOLERANCE_SECONDS
    ):
        raise _refuse("send_at_in_past", "send_at", "the send time is in the past")
    return voucher


def check_message(body: MessageParts) -> VoucherReward | None:
    """Refuse a channel without its text, a push too long or a reward that is not a voucher;
    the voucher reward to attach, if any."""
    for channel in body.channels:
        field = TEXT_OF[channel]
        if getattr(body, field) is None:
            raise _refuse("channel_text_missing", field, f"the {channel} channel needs {field}")
    if body.push_text is not None and graphemes(body.push_text) > PUSH_TEXT_GRAPHEMES:
        count = graphemes(body.push_text)
        message = f"at most {PUSH_TEXT_GRAPHEMES} characters, this one has {count}"
        raise _refuse("push_text_too_long", "push_text", message)
    if body.voucher is not None and not isinstance(body.voucher, VoucherReward):
        message = f"a {body.voucher.type} cannot be attached: only a voucher reward"
        raise _refuse("not_a_voucher_reward", "voucher", message)
    return body.voucher
