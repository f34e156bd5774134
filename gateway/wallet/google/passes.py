"""The bodies of Google Wallet classes and objects: a loyalty class per program, a loyalty
object per card, an offer class and object per voucher. Ids are ``<issuer id>.<our id>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.loyalty.cards.models import Card
from gateway.loyalty.programs.models import Program
from gateway.loyalty.vouchers.models import Voucher
from gateway.timestamps import iso_utc_or_none

POINTS_LABEL = "Stamps"  # Google shows at most 9 characters
# A new or changed class waits for Google's review; passes of it work meanwhile (demo mode).
REVIEW = "UNDER_REVIEW"
VOUCHER_STATES = {
    "issued": "ACTIVE",
    "active": "ACTIVE",
    "redeemed": "COMPLETED",
    "expired": "EXPIRED",
    "voided": "INACTIVE",
}


@dataclass(frozen=True)
class Body:
    """One resource to bring up to date: its type in the REST path, its id, its body."""

    resource: str
    id: str
    body: dict[str, Any]


def object_id(issuer_id: str, own_id: str) -> str:
    """The id at Google of one of our cards, vouchers or programs."""
    return f"{issuer_id}.{own_id}"


def loyalty_class(issuer_id: str, merchant_name: str, program: Program) -> Body:
    """The program's class: what every card of it shares."""
    class_id = object_id(issuer_id, program.id)
    return Body(
        "loyaltyClass",
        class_id,
        {
            "id": class_id,
            "issuerName": merchant_name,
            "programName": program.name,
            "reviewStatus": REVIEW,
            "textModulesData": [
                {"id": "goal", "header": "Goal", "body": _goal_text(program)},
            ],
        },
    )


def loyalty_object(issuer_id: str, program: Program, card: Card, page_url: str) -> Body:
    """The card's object: its stamps as points, its number as a QR code, its page as a link."""
    card_object = object_id(issuer_id, card.id)
    return Body(
        "loyaltyObject",
        card_object,
        {
            "id": card_object,
            "classId": object_id(issuer_id, program.id),
            "state": "ACTIVE",
            "accountId": card.number,
            "accountName": card.number,
            "loyaltyPoints": {"label": POINTS_LABEL, "balance": {"int": card.stamps}},
            "barcode": {"type": "QR_CODE", "value": card.number, "alternateText": card.number},
            "textModulesData": [
                {
                    "id": "progress",
                    "header": "Progress",
                    "body": f"{card.stamps} of {program.stamps_goal} stamps",
                }
            ],
            "linksModuleData": {"uris": [{"id": "card", "uri": page_url, "description": "Card"}]},
        },
    )


def offer_class(issuer_id: str, merchant_name: str, voucher: Voucher) -> Body:
    """The voucher's class (one per voucher: its title is the voucher's own reward)."""
    class_id = object_id(issuer_id, voucher.id)
    return Body(
        "offerClass",
        class_id,
        {
            "id": class_id,
            "issuerName": merchant_name,
            "provider": merchant_name,
            "title": voucher.description,
            "redemptionChannel": "INSTORE",
            "reviewStatus": REVIEW,
        },
    )


def offer_object(issuer_id: str, voucher: Voucher, page_url: str) -> Body:
    """The voucher's object: its state follows the voucher, its code (or id) as a QR code."""
    voucher_object = object_id(issuer_id, voucher.id)
    shown = voucher.code or voucher.id
    body: dict[str, Any] = {
        "id": voucher_object,
        "classId": voucher_object,
        "state": VOUCHER_STATES.get(voucher.status, "INACTIVE"),
        "barcode": {"type": "QR_CODE", "value": shown, "alternateText": shown},
        "linksModuleData": {"uris": [{"id": "voucher", "uri": page_url, "description": "Voucher"}]},
    }
    until = iso_utc_or_none(voucher.valid_until)
    if until is not None:
        body["validTimeInterval"] = {"end": {"date": until}}
    return Body("offerObject", voucher_object, body)


def _goal_text(program: Program) -> str:
    reward = program.reward
    what = reward.get("description") or reward.get("name") or "a reward"
    return f"{program.stamps_goal} stamps: {what}"
