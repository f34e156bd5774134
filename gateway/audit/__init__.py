"""The audit log: who changed which object, how, when and from where (``GET /v1/audit-events``)."""
