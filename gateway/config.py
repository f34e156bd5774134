"""Settings: one pydantic-settings class read from ``STAMPGATE_*`` environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated

from limits import parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
DEFAULT_INBOUND_RETRY_SCHEDULE = (10, 60, 300, 1800, 3600, 7200, 21600, 43200)
VAR_DIR = Path("var")
DEV_SECRET_KEY = "dev-insecure-secret-key"  # noqa: S105 - the embedded default; production sets one


def default_database_url() -> str:
    """The embedded default: a SQLite file under ``var/`` in the working directory."""
    return f"sqlite:///{(VAR_DIR / 'stampgate.db').resolve()}"


def default_address() -> str:
    """Where ``stampgate serve`` listens unless told: this machine, port ``$PORT`` or 8000."""
    return f"127.0.0.1:{os.environ.get('PORT', '8000')}"


def default_public_url() -> str:
    """The base URL handed out by default: the address the server listens on."""
    return f"http://{default_address()}"


class Settings(BaseSettings):
    """Every tunable of the gateway; tests build one directly and pass it to ``create_app``."""

    model_config = SettingsConfigDict(env_prefix="STAMPGATE_", extra="ignore", frozen=True)

    database_url: str = Field(default_factory=default_database_url)
    redis_url: str | None = None
    # Seconds a Redis connect or command may take before the gateway goes on without it.
    redis_timeout: float = Field(default=1.0, gt=0)
    secret_key: str = DEV_SECRET_KEY
    admin_token: str | None = None
    public_url: str = Field(default_factory=default_public_url)
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    idempotency_ttl_seconds: int = Field(default=24 * 3600, ge=24 * 3600)
    idempotency_lock_seconds: int = Field(default=60, gt=0)
    webhook_retry_schedule: Annotated[tuple[int, ...], NoDecode] = DEFAULT_RETRY_SCHEDULE
    webhook_timeout: float = Field(default=15.0, gt=0)
    webhook_allowed_networks: Annotated[tuple[str, ...], NoDecode] = ()
    webhook_require_https: bool = True
    webhook_secret_grace_seconds: int = Field(default=24 * 3600, ge=0)
    webhook_failing_after_seconds: int = Field(default=24 * 3600, gt=0)
    webhook_disable_after_seconds: int = Field(default=5 * 24 * 3600, gt=0)
    # How long after a redemption it can still be rolled back (a till's mistake, a voided order).
    redemption_rollback_seconds: int = Field(default=24 * 3600, ge=0)
    # Inbound POS events: seconds before each retry; when they run out the event fails.
    inbound_retry_schedule: Annotated[tuple[int, ...], NoDecode] = DEFAULT_INBOUND_RETRY_SCHEDULE
    # Campaign messages: seconds before each retry, and at most how many each channel sends
    # per minute (across all workers: the count is kept in the messages table).
    campaign_retry_schedule: Annotated[tuple[int, ...], NoDecode] = (10, 60, 300)
    campaign_wallet_per_minute: int = Field(default=600, ge=1)
    campaign_email_per_minute: int = Field(default=60, ge=1)
    campaign_messenger_per_minute: int = Field(default=120, ge=1)
    # Campaign e-mail: the mail server (smtp://user:password@host:port, smtps:// for implicit
    # TLS, ?starttls=true to upgrade a plain connection) and the From address; e-mail is
    # skipped while either is unset. A secret: it is never shown or logged.
    smtp_url: SecretStr | None = None
    mail_from: str | None = None
    smtp_timeout: float = Field(default=10.0, gt=0, le=15)
    # How often the scheduler fires automations for the cards whose moment came.
    automations_every_seconds: int = Field(default=300, ge=10, le=86400)
    # Google Wallet: the REST API's base (a test server in tests), seconds before each retry
    # of a call that failed (then it is failed with its reason), and each call's timeout.
    google_wallet_api_url: str = "https://walletobjects.googleapis.com/walletobjects/v1"
    google_wallet_retry_schedule: Annotated[tuple[int, ...], NoDecode] = (10, 60, 300, 1800)
    google_wallet_timeout: float = Field(default=10.0, gt=0)
    pos_timeout: float = Field(default=10.0, gt=0)
    pos_retry_backoff: float = Field(default=0.5, ge=0)
    poster_api_url: str = "https://{account}.joinposter.com/api"
    poster_application_id: str | None = None
    poster_application_secret: str | None = None
    serve_api_url: str = "https://api-eu.syrve.live"
    # How often workers pull POS promotions to flag codes mapped to deleted promotions.
    pos_sync_seconds: int = Field(default=3600, ge=60)
    # Embedded mode: deliver from a thread in the gateway process (default: when no Redis).
    embedded_dispatcher: bool | None = None
    # Days a receipt's claim link (of a sale that named no customer) can be claimed.
    claim_valid_days: int = Field(default=7, ge=1, le=366)
    # Audit events older than this are deleted by `stampgate audit purge`.
    audit_retention_days: int = Field(default=365, ge=1)
    # Retention of the work tables (`stampgate purge`, run hourly by the workers): days after
    # which delivered deliveries (with their attempts), given-up deliveries (failed,
    # exhausted), processed and ignored inbound events, Idempotency-Keys (never within
    # idempotency_ttl_seconds) and events no delivery points at any more are deleted.
    retain_delivered_days: int = Field(default=30, ge=1)
    retain_given_up_days: int = Field(default=90, ge=1)
    retain_inbound_days: int = Field(default=30, ge=1)
    retain_idempotency_keys_days: int = Field(default=2, ge=1)
    retain_events_days: int = Field(default=90, ge=1)
    # Rows per purge transaction, and how often the workers purge.
    purge_batch: int = Field(default=1000, ge=1, le=10000)
    purge_every_seconds: int = Field(default=3600, ge=60)
    log_level: str = "INFO"
    sql_echo: bool = False
    # Proxies in front (nginx: 1). 0 = X-Forwarded-* headers are ignored, so nobody can forge
    # a client address; they count only from a peer in trusted_proxies.
    proxy_hops: int = Field(default=0, ge=0, le=5)
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ("127.0.0.0/8", "::1/128")
    # Bearer token of /metrics; unset = /metrics answers only loopback clients.
    metrics_token: str | None = None
    # Rate limits (``count/period``, e.g. ``30/minute``); counters live in Redis when
    # STAMPGATE_REDIS_URL is set (shared by every process), in process memory otherwise.
    rate_limit_enabled: bool = True
    rate_limit_key_prefix: str = Field(default="stampgate", min_length=1, max_length=64)
    # Failed authentications (401) on /v1 and /admin per client address.
    limit_auth_failures: str = "30/minute"
    # Refused POS webhooks (bad signature or token, unknown account or connection) per address;
    # generous because one POS vendor's servers send every merchant's hooks.
    limit_hook_failures: str = "120/minute"
    # Poster app-install callbacks per address (a person's browser; each one costs an exchange).
    limit_install_callbacks: str = "10/minute"
    # Code checks, holds and redeems per API key, and per API key and location.
    limit_code_attempts_per_key: str = "300/minute"
    limit_code_attempts_per_location: str = "120/minute"
    # Unknown codes in a row (per API key and location, and per API key) that lock the code
    # routes out for code_lockout_seconds; a successful redemption ends the run.
    code_lockout_after: int = Field(default=10, ge=1)
    code_lockout_after_per_key: int = Field(default=30, ge=1)
    code_lockout_seconds: int = Field(default=900, ge=1)
    # Failed console logins per account (the e-mail typed) and per client address.
    limit_login_failures_per_account: str = "5/15 minutes"
    limit_login_failures_per_address: str = "20/15 minutes"
    # Camera frames a scanner seat may send for decoding.
    limit_scanner_frames: str = "180/minute"
    # The customer's pages (card, voucher, lottery, receipt claim): requests per address, per
    # token, and links that lead nowhere per address (guessing tokens).
    limit_public_pages_per_address: str = "120/minute"
    limit_public_pages_per_token: str = "60/minute"  # noqa: S105 - a rate, not a secret
    limit_public_unknown_tokens: str = "30/10 minutes"
    # The PassKit web service the phones call (registrations, updated passes, logs).
    limit_apple_web_service: str = "120/minute"
    # APNs: where pass pushes go, and a CA file to trust instead of the system's (tests).
    apns_url: str = "https://api.push.apple.com"
    apns_ca_file: str | None = None
    apns_retry_schedule: Annotated[tuple[int, ...], NoDecode] = (10, 60, 300)
    # Minutes without a request after which a console session ends.
    console_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)

    @field_validator(
        "webhook_retry_schedule",
        "inbound_retry_schedule",
        "campaign_retry_schedule",
        "apns_retry_schedule",
        "google_wallet_retry_schedule",
        mode="before",
    )
    @classmethod
    def _parse_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "limit_auth_failures",
        "limit_hook_failures",
        "limit_install_callbacks",
        "limit_code_attempts_per_key",
        "limit_code_attempts_per_location",
        "limit_login_failures_per_account",
        "limit_login_failures_per_address",
        "limit_scanner_frames",
        "limit_public_pages_per_address",
        "limit_public_pages_per_token",
        "limit_public_unknown_tokens",
        "limit_apple_web_service",
    )
    @classmethod
    def _parse_limit(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit such as '30/minute': {exc}") from None
        return value

    @field_validator("webhook_allowed_networks", "trusted_proxies", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for network in value:
            ip_network(network, strict=False)  # a ValueError names the bad entry
        return value

    @property
    def idempotency_ttl(self) -> timedelta:
        """How long an Idempotency-Key is remembered."""
        return timedelta(seconds=self.idempotency_ttl_seconds)

    @property
    def idempotency_lock(self) -> timedelta:
        """How long a claimed key blocks a concurrent duplicate before it can be taken over."""
        return timedelta(seconds=self.idempotency_lock_seconds)

    @property
    def claim_valid_for(self) -> timedelta:
        """How long a sale's claim link can be claimed."""
        return timedelta(days=self.claim_valid_days)

    @property
    def redemption_rollback_window(self) -> timedelta:
        """How long a redemption can be rolled back."""
        return timedelta(seconds=self.redemption_rollback_seconds)

    @property
    def runs_embedded_dispatcher(self) -> bool:
        """Whether this process delivers webhooks itself (no Redis, unless told otherwise)."""
        if self.embedded_dispatcher is not None:
            return self.embedded_dispatcher
        return self.redis_url is None

    @property
    def is_sqlite(self) -> bool:
        """True when the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")
