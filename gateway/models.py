"""Every table, imported in one place so the metadata Alembic compares against is complete."""

from connectors.connections.models import PosCatalog, PosConnection
from connectors.inbox.models import InboundEvent
from gateway.api.idempotency import IdempotencyRecord
from gateway.audit.models import AuditEvent
from gateway.campaigns.automations.models import Automation, AutomationFiring
from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.db import Base
from gateway.loyalty.cards.models import Card, CardPosId, StampEntry
from gateway.loyalty.claims.models import Claim, ClaimBatch
from gateway.loyalty.codes.models import CodePool, PoolCode, RejectedCodeAttempt
from gateway.loyalty.lottery.models import Spin
from gateway.loyalty.programs.models import Program
from gateway.loyalty.sales.models import Refund, Sale
from gateway.loyalty.vouchers.models import Voucher, VoucherRedemption
from gateway.tenancy.models import ApiKey, Merchant, User
from gateway.wallet.apple.models import (
    ApplePass,
    ApplePush,
    AppleRegistration,
    AppleWalletCredentials,
)
from gateway.wallet.design.models import WalletDesign
from gateway.wallet.google.models import GoogleIssuer, GoogleJob, GoogleObject
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint

__all__ = [
    "ApiKey",
    "ApplePass",
    "ApplePush",
    "AppleRegistration",
    "AppleWalletCredentials",
    "AuditEvent",
    "Automation",
    "AutomationFiring",
    "Base",
    "Campaign",
    "CampaignMessage",
    "Card",
    "CardPosId",
    "Claim",
    "ClaimBatch",
    "CodePool",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "GoogleIssuer",
    "GoogleJob",
    "GoogleObject",
    "IdempotencyRecord",
    "InboundEvent",
    "Merchant",
    "PoolCode",
    "PosCatalog",
    "PosConnection",
    "Program",
    "Refund",
    "RejectedCodeAttempt",
    "Sale",
    "Spin",
    "StampEntry",
    "User",
    "Voucher",
    "VoucherRedemption",
    "WalletDesign",
    "WebhookEndpoint",
]
