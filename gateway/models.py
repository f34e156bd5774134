"""Every table, imported in one place so the metadata Alembic compares against is complete."""

from gateway.db import Base
from gateway.idempotency import IdempotencyRecord
from gateway.tenancy.models import ApiKey, Merchant

__all__ = ["ApiKey", "Base", "IdempotencyRecord", "Merchant"]
