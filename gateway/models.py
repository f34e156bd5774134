"""Every table, imported in one place so the metadata Alembic compares against is complete."""

from gateway.audit.models import AuditEvent
from gateway.connections.models import PosConnection
from gateway.db import Base
from gateway.idempotency import IdempotencyRecord
from gateway.inbox.models import InboundEvent
from gateway.loyalty.code_models import CodePool, PoolCode, VoucherRedemption
from gateway.loyalty.models import Card, CardPosId, Program, StampEntry
from gateway.loyalty.reward_models import Spin, Voucher
from gateway.loyalty.sale_models import Refund, Sale
from gateway.tenancy.models import ApiKey, Merchant
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Card",
    "CardPosId",
    "CodePool",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "IdempotencyRecord",
    "InboundEvent",
    "Merchant",
    "PoolCode",
    "PosConnection",
    "Program",
    "Refund",
    "Sale",
    "Spin",
    "StampEntry",
    "Voucher",
    "VoucherRedemption",
    "WebhookEndpoint",
]
