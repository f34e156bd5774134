"""Retention: ``stampgate purge`` and its hourly run keep the work tables bounded (delivered
and given-up deliveries with their attempts, finished inbound events, spent idempotency keys,
events no delivery needs), deleting in short batches that never hold the hot tables long."""
