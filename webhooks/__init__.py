"""Outbound events: catalog, envelope, signing, outbox, delivery, retries, worker."""
