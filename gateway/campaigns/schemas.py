"""Campaign bodies: the broadcast asked for (segment, channels, texts, voucher, send time),
the campaign as answers show it with its progress, and the preview's recipient counts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from gateway.campaigns.results import ResultsOut
from gateway.enums import Meanings
from gateway.examples import example, page_example
from gateway.loyalty.programs.rewards import Reward
from gateway.pagination import PageQuery
from gateway.strict import FrozenStrictModel, StrictModel

PUSH_TEXT_GRAPHEMES = 20
Channel = Annotated[
    Literal["wallet", "email", "messenger"],
    Meanings(
        {
            "wallet": "a push on the customer's saved Wallet card (push_text, at most 20 "
            "characters), sent as a campaign.message event for the merchant's Wallet layer",
            "email": "an e-mail (message_text) to customers who gave an address and agreed to "
            "campaign e-mail",
            "messenger": "a message (message_text) through the merchant's messenger bot, sent "
            "as a campaign.message event",
        },
        "How a campaign reaches the customer.",
    ),
]
CampaignStatus = Annotated[
    Literal["scheduled", "sending", "sent", "cancelled"],
    Meanings(
        {
            "scheduled": "waits for its send time; no message is written yet",
            "sending": "its messages are written (one per recipient and channel) and going out",
            "sent": "every message was sent, skipped or failed",
            "cancelled": "cancelled: messages not yet sent never will be",
        },
        "Where the campaign stands.",
    ),
]
MessageStatus = Literal["pending", "sent", "failed", "skipped", "cancelled"]
MessageState = Annotated[
    MessageStatus,
    Meanings(
        {
            "pending": "waits to go out (reason: why its last try did not, when it was retried)",
            "sent": "went out: its campaign.message event was recorded, or the mail server "
            "accepted the e-mail",
            "failed": "will not go out: refused for good or out of retries (see reason)",
            "skipped": "never sent: the customer cannot be reached on the channel (see reason)",
            "cancelled": "the campaign was cancelled before it went out",
        },
        "Where one message stands.",
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
PushText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Location = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class AllCards(FrozenStrictModel):
    """Every card of the program."""

    model_config = example({"kind": "all"})
    kind: Literal["all"]


class Inactive(FrozenStrictModel):
    """Win-back: cards whose last visit (or, never visited, their enrolment) is at least
    ``days`` days ago."""

    model_config = example({"kind": "inactive", "days": 30})
    kind: Literal["inactive"]
    days: int = Field(ge=1, le=3650)


class NearGoal(FrozenStrictModel):
    """Cards at most ``stamps_left`` stamps from the program's goal."""

    model_config = example({"kind": "near_goal", "stamps_left": 1})
    kind: Literal["near_goal"]
    stamps_left: int = Field(ge=1, le=1000)


class VoucherExpiring(FrozenStrictModel):
    """Cards with an active voucher whose validity ends within ``days`` days."""

    model_config = example({"kind": "voucher_expiring", "days": 3})
    kind: Literal["voucher_expiring"]
    days: int = Field(ge=1, le=365)


class NeverRedeemed(FrozenStrictModel):
    """Cards that never redeemed a voucher (redemptions rolled back do not count)."""

    model_config = example({"kind": "never_redeemed"})
    kind: Literal["never_redeemed"]


class VisitedLocation(FrozenStrictModel):
    """Cards with a sale or stamps at ``location`` (the POS spot's mapped location)."""

    model_config = example({"kind": "location", "location": "main"})
    kind: Literal["location"]
    location: Location


class BirthdayWeek(FrozenStrictModel):
    """Cards whose customer's birthday falls in the current week, Monday to Sunday, in the
    merchant's time zone (a 29 February birthday falls on 28 February in other years)."""

    model_config = example({"kind": "birthday_week"})
    kind: Literal["birthday_week"]


SEGMENT_KINDS = {
    "all": "every card of the program",
    "inactive": "last visit at least `days` days ago (win-back)",
    "near_goal": "at most `stamps_left` stamps from the goal",
    "voucher_expiring": "an active voucher expiring within `days` days",
    "never_redeemed": "no voucher ever redeemed",
    "location": "visited `location`",
    "birthday_week": "the customer's birthday is this week (Monday to Sunday, the merchant's "
    "time zone)",
}
Segment = Annotated[
    AllCards
    | Inactive
    | NearGoal
    | VoucherExpiring
    | NeverRedeemed
    | VisitedLocation
    | BirthdayWeek,
    Field(discriminator="kind"),
]
MESSAGE_EXAMPLE: dict[str, Any] = {
    "push_text": "Coffee's waiting ☕",
    "message_text": "We miss you! Here is a free dessert with your next coffee.",
    "channels": ["wallet", "messenger"],
    "voucher": {
        "type": "voucher",
        "description": "A free dessert",
        "redemption": "staff",
        "validity": {"kind": "days", "count": 14},
    },
}
CAMPAIGN_BODY: dict[str, Any] = {
    "program_id": "prg_01m8s0dp0c2ywxh4dm8wf4ywz0",
    "name": "Win back November",
    "segment": {"kind": "inactive", "days": 30},
    **MESSAGE_EXAMPLE,
    "send_at": None,
}


class MessageIn(StrictModel):
    """What a campaign or an automation sends: the texts of its channels, and a voucher."""

    push_text: PushText | None = Field(
        default=None,
        description=f"The Wallet push: at most {PUSH_TEXT_GRAPHEMES} user-perceived characters "
        "(grapheme clusters: an emoji or a letter with its accents counts one); required with "
        "the wallet channel",
    )
    message_text: Text | None = Field(
        default=None,
        description="The long text (plain, with links); required with email or messenger",
    )
    channels: list[Channel] = Field(min_length=1, max_length=3)
    voucher: Reward | None = Field(
        default=None,
        description="A voucher reward issued to every recipient (source kind `campaign`); any "
        "other reward type is refused",
    )


class CampaignIn(MessageIn):
    """``POST /v1/campaigns`` and ``/v1/campaigns/preview``: who gets what, how and when."""

    model_config = example(CAMPAIGN_BODY)

    program_id: str = Field(max_length=64)
    name: Name | None = Field(
        default=None,
        description="Defaults to `<program name>_<dd.mm.yyyyHH:MM>` (the send time, in the "
        "merchant's time zone)",
    )
    segment: Segment = Field(
        description="Which cards of the program receive it, by `kind`:\n\n"
        + "\n".join(f"- `{kind}`: {meaning}" for kind, meaning in SEGMENT_KINDS.items())
    )
    send_at: AwareDatetime | None = Field(
        default=None, description="When to send (RFC 3339 with offset); null sends now"
    )


class Progress(BaseModel):
    """The campaign's messages (one per recipient and channel) by status."""

    total: int
    pending: int
    sent: int
    failed: int
    skipped: int
    cancelled: int


PROGRESS = {"total": 2, "pending": 0, "sent": 1, "failed": 0, "skipped": 1, "cancelled": 0}
CAMPAIGN: dict[str, Any] = {
    **CAMPAIGN_BODY,
    "id": "cmp_01m8s0dp1q6jj235k7khx2f352",
    "status": "sent",
    "created_at": "2026-12-01T10:00:00Z",
    "planned_at": "2026-12-01T10:00:01Z",
    "finished_at": "2026-12-01T10:00:05Z",
    "cancelled_at": None,
    "progress": PROGRESS,
    "results": {
        "recipients": 1,
        "delivered": {"wallet": 1, "email": 0, "messenger": 0},
        "skipped": 1,
        "failed": 0,
        "vouchers_attached": 1,
        "vouchers_redeemed": 0,
        "stamps_after": 3,
    },
}


class CampaignOut(BaseModel):
    """A campaign, with its progress."""

    model_config = example(CAMPAIGN)

    id: str
    program_id: str
    name: str
    status: CampaignStatus
    segment: Segment
    channels: list[Channel]
    push_text: str | None
    message_text: str | None
    voucher: Reward | None
    send_at: datetime | None
    created_at: datetime
    planned_at: datetime | None
    finished_at: datetime | None
    cancelled_at: datetime | None
    progress: Progress
    results: ResultsOut = Field(
        description="What the messages achieved: recipients, delivered per channel, vouchers "
        "attached and redeemed, stamps in the 14 days after"
    )


class CampaignPage(BaseModel):
    """A page of campaigns."""

    model_config = page_example(CampaignOut)

    items: list[CampaignOut]
    next_cursor: str | None


class ChannelCounts(BaseModel):
    """Recipients per channel asked for (email: those with an address)."""

    wallet: int | None = None
    email: int | None = None
    messenger: int | None = None


class PreviewOut(BaseModel):
    """How many cards the segment holds now, and how many each channel would reach."""

    model_config = example({"recipients": 120, "channels": {"wallet": 120, "messenger": 120}})

    recipients: int
    channels: ChannelCounts


class CampaignPath(BaseModel):
    """Path of one campaign."""

    campaign_id: str = Field(max_length=64)


class CampaignQuery(PageQuery):
    """The merchant's campaigns, newest first; ``created_*`` is when each was created."""

    status: CampaignStatus | None = None


MESSAGE: dict[str, Any] = {
    "id": "cmm_01m8s0dp1q6jj235k7khx2f353",
    "card_number": "961647490641",
    "channel": "email",
    "status": "failed",
    "reason": "smtp 550 5.1.1 <address>: No such user here",
    "attempts": 1,
    "created_at": "2026-11-22T10:00:00Z",
    "sent_at": None,
}


class MessageOut(BaseModel):
    """One message of a campaign: to one card, on one channel."""

    model_config = example(MESSAGE)

    id: str
    card_number: str
    channel: Channel
    status: MessageState
    reason: str | None = Field(
        description="Why it was skipped or failed, or why its last try did not go out: "
        "no_email, no_email_consent, unsubscribed, email_not_configured, campaign_cancelled, "
        "smtp <code> <the server's words> (a refusal or a deferral), smtp unreachable: <error>"
    )
    attempts: int
    created_at: datetime
    sent_at: datetime | None


class MessagePage(BaseModel):
    """A page of a campaign's messages."""

    model_config = page_example(MessageOut)

    items: list[MessageOut]
    next_cursor: str | None


class MessageQuery(PageQuery):
    """A campaign's messages, newest first, narrowed by ``status`` and ``channel``."""

    status: MessageState | None = None
    channel: Channel | None = None
