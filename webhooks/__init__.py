"""Outbound events: catalog, envelope, signing, outbox, dispatch, delivery, retries, rq jobs."""
