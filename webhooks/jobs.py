"""rq job functions: they run in ``stampgate worker`` processes and carry delivery ids only."""

from __future__ import annotations

from webhooks.deliver import Deliverer, attempt

_deliverer: Deliverer | None = None


def install(deliverer: Deliverer) -> None:
    """Give this worker process its deliverer (engine, sessions, pooled HTTP client)."""
    global _deliverer
    _deliverer = deliverer


def deliver_batch(delivery_ids: list[str]) -> int:
    """Attempt each delivery (a no-op for one another worker has or that is not due)."""
    if _deliverer is None:
        raise RuntimeError("worker process started without a deliverer")
    return sum(attempt(_deliverer, delivery_id) is not None for delivery_id in delivery_ids)
