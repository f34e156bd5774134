"""Settings: one pydantic-settings class read from ``STAMPGATE_*`` environment variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
DEFAULT_INBOUND_RETRY_SCHEDULE = (10, 60, 300, 1800, 3600, 7200, 21600, 43200)
VAR_DIR = Path("var")
DEV_SECRET_KEY = "dev-insecure-secret-key"  # noqa: S105 - the embedded default; production sets one


def default_database_url() -> str:
    """The embedded default: a SQLite file under ``var/`` in the working directory."""
    return f"sqlite:///{(VAR_DIR / 'stampgate.db').resolve()}"


class Settings(BaseSettings):
    """Every tunable of the gateway; tests build one directly and pass it to ``create_app``."""

    model_config = SettingsConfigDict(env_prefix="STAMPGATE_", extra="ignore", frozen=True)

    database_url: str = Field(default_factory=default_database_url)
    redis_url: str | None = None
    # Seconds a Redis connect or command may take before the gateway goes on without it.
    redis_timeout: float = Field(default=1.0, gt=0)
    secret_key: str = DEV_SECRET_KEY
    admin_token: str | None = None
    public_url: str = "http://127.0.0.1:8000"
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
    log_level: str = "INFO"
    sql_echo: bool = False

    @field_validator("webhook_retry_schedule", "inbound_retry_schedule", mode="before")
    @classmethod
    def _parse_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value

    @field_validator("webhook_allowed_networks", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
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
