"""The catalog of outbound event types (names are part of the public contract)."""

from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "card.created": "A card was enrolled in a program.",
    "card.stamped": "Stamps were added to a card (sale or manual).",
    "card.stamps_reversed": "Stamps were taken back from a card (refund).",
    "card.goal_reached": "A card reached its program's goal and started its next cycle.",
    "card.milestone_reached": "A card reached a milestone of its current cycle.",
    "reward.awarded": "An Award was given (hand it over on sight).",
    "voucher.issued": "A voucher was issued.",
    "voucher.activated": "A voucher became redeemable.",
    "voucher.redeemed": "A voucher was redeemed.",
    "voucher.expired": "A voucher's validity ended.",
    "voucher.voided": "A voucher was cancelled (refund or merchant).",
    "voucher.redemption_rejected": "A code was presented that redeems nothing (reuse, expiry...).",
    "voucher.redemption_rolled_back": "A redemption was undone; the voucher can be used again.",
    "voucher.code_pool_empty": "A voucher was issued without a code: its code pool was empty.",
    "voucher.code_assigned": "A voucher that waited for a code got one from its refilled pool.",
    "lottery.spin_created": "A card earned a lottery spin.",
    "lottery.played": "A lottery spin was played.",
    "sale.processed": "A sale was applied to a card.",
    "sale.unattributed": "A sale arrived without a customer and was stored without stamps.",
    "campaign.message": "A campaign's message to one card on one channel (Wallet or messenger).",
    "sale.claimed": "An unattributed sale was claimed by its customer through its claim link.",
    "claim.rejected": "A claim link was refused (already used, expired, or its sale refunded).",
    "connection.mappings_stale": "Redeem codes are mapped to POS promotions the POS no longer has.",
    "fraud.suspected": "Requests look like an attack (a run of unknown redeem codes).",
    "endpoint.failing": "A webhook endpoint has been failing for a day.",
    "endpoint.disabled": "A webhook endpoint was disabled after failing too long.",
    "webhook.test": "A test event sent on request to one endpoint.",
}
