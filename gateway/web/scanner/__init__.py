"""The staff scanner and the self-service kiosk at ``/scanner``."""
