"""``pass.json`` of a card's store card and of a voucher's pass (pure: facts in, JSON out).

Serial numbers and authentication tokens never change between versions of a pass; fields
whose value changes carry a ``changeMessage``, so the phone shows the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.timestamps import iso_utc

QR = "PKBarcodeFormatQR"
ENCODING = "iso-8859-1"
BACKGROUND = "rgb(32,33,36)"
FOREGROUND = "rgb(255,255,255)"
LABEL = "rgb(200,200,200)"


@dataclass(frozen=True)
class Issuer:
    """Who issues the pass and where its updates come from."""

    pass_type_id: str
    team_id: str
    organization_name: str
    web_service_url: str
    authentication_token: str


@dataclass(frozen=True)
class Look:
    """The pass's colours (``rgb(r,g,b)``) and the labels of its changing fields."""

    background: str = BACKGROUND
    foreground: str = FOREGROUND
    label: str = LABEL
    stamps_label: str = "Stamps"
    reward_label: str = "Next reward"


@dataclass(frozen=True)
class CardFacts:
    """What a card's pass shows."""

    serial: str
    number: str
    program_name: str
    stamps: int
    goal: int
    hint: str
    page_url: str
    terms: str
    message: str | None = None


@dataclass(frozen=True)
class VoucherFacts:
    """What a voucher's pass shows."""

    serial: str
    code: str | None
    description: str
    valid_until: datetime | None
    voided: bool
    page_url: str
    message: str | None = None


def _field(key: str, label: str, value: str, change: str | None = None) -> dict[str, str]:
    field = {"key": key, "label": label, "value": value}
    if change is not None:
        field["changeMessage"] = change
    return field


def _barcode(message: str) -> dict[str, str]:
    return {"format": QR, "message": message, "messageEncoding": ENCODING, "altText": message}


def _message_field(message: str | None) -> list[dict[str, str]]:
    # The latest Wallet push text: a changed value with a changeMessage is what the phone shows.
    return [_field("message", "News", message, "%@")] if message else []


def _common(issuer: Issuer, serial: str, description: str, look: Look) -> dict[str, Any]:
    return {
        "formatVersion": 1,
        "passTypeIdentifier": issuer.pass_type_id,
        "teamIdentifier": issuer.team_id,
        "serialNumber": serial,
        "organizationName": issuer.organization_name,
        "description": description,
        "webServiceURL": issuer.web_service_url,
        "authenticationToken": issuer.authentication_token,
        "backgroundColor": look.background,
        "foregroundColor": look.foreground,
        "labelColor": look.label,
    }


def card_pass(issuer: Issuer, card: CardFacts, look: Look = Look()) -> dict[str, Any]:
    """The store card of a card: stamps as ``N / goal``, the next reward, the card number."""
    return {
        **_common(issuer, card.serial, card.program_name, look),
        "logoText": card.program_name,
        "barcodes": [_barcode(card.number)],
        "storeCard": {
            "headerFields": [_field("number", "Card", card.number)],
            "primaryFields": [
                _field("stamps", look.stamps_label, f"{card.stamps} / {card.goal}", "Stamps: %@")
            ],
            "secondaryFields": [_field("next", look.reward_label, card.hint, "%@")],
            "backFields": [
                *_message_field(card.message),
                _field("page", "Your card online", card.page_url),
                _field("terms", "Terms", card.terms),
            ],
        },
    }


def voucher_pass(issuer: Issuer, voucher: VoucherFacts, look: Look = Look()) -> dict[str, Any]:
    """The pass of a voucher: its code as barcode and text, valid until, voided once used."""
    document: dict[str, Any] = {
        **_common(issuer, voucher.serial, voucher.description, look),
        "logoText": voucher.description[:40],
        "storeCard": {
            "primaryFields": [_field("offer", "Voucher", voucher.description)],
            "secondaryFields": [_field("code", "Code", voucher.code)] if voucher.code else [],
            "backFields": [
                *_message_field(voucher.message),
                _field("page", "Your voucher online", voucher.page_url),
            ],
        },
    }
    if voucher.code:
        document["barcodes"] = [_barcode(voucher.code)]
    if voucher.valid_until is not None:
        document["expirationDate"] = iso_utc(voucher.valid_until)
    if voucher.voided:
        document["voided"] = True
    return document
