"""rq job functions: they run in ``stampgate worker`` processes and carry delivery ids only."""

from __future__ import annotations

from webhooks.deliver import Deliverer, attempt

_deliverer: Deliverer | None = None


def install(deliverer: Deliverer) -> None:
    """Give this worker process its deliverer (engine, sessions, pooled HTTP client)."""
    global _deliverer
    _deliverer = deliverer


def deliver_job(delivery_id: str) -> str | None:
    """Attempt one delivery (a no-op if another worker has it or it is not due)."""
    if _deliverer is None:
        raise RuntimeError("worker process started without a deliverer")
    return attempt(_deliverer, delivery_id)
