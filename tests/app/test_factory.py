"""The app factory, settings from the environment, and nothing built at import time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from gateway import create_app
from gateway.config import DEFAULT_RETRY_SCHEDULE, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_importing_builds_nothing(tmp_path: Path) -> None:
    code = "import gateway, gateway.api, gateway.cli, gateway.models; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.strip() == "ok"
    assert list(tmp_path.iterdir()) == []


def test_the_public_url_follows_the_port_the_server_listens_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STAMPGATE_PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "8123")
    assert Settings().public_url == "http://127.0.0.1:8123"
    monkeypatch.delenv("PORT")
    assert Settings().public_url == "http://127.0.0.1:8000"
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("STAMPGATE_PUBLIC_URL", "https://gw.example.org")
    assert Settings().public_url == "https://gw.example.org"


def test_settings_come_from_stampgate_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAMPGATE_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("STAMPGATE_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("STAMPGATE_ADMIN_TOKEN", "t0ken")
    monkeypatch.setenv("STAMPGATE_PUBLIC_URL", "https://gw.example.org")
    monkeypatch.setenv("STAMPGATE_WEBHOOK_RETRY_SCHEDULE", "5, 60,600")
    monkeypatch.setenv("STAMPGATE_WEBHOOK_TIMEOUT", "7.5")
    monkeypatch.setenv("STAMPGATE_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8, 127.0.0.0/8")
    settings = Settings()
    assert settings.database_url == "sqlite:////tmp/elsewhere.db"
    assert settings.redis_url == "redis://127.0.0.1:6379/3"
    assert settings.admin_token == "t0ken"
    assert settings.public_url == "https://gw.example.org"
    assert settings.webhook_retry_schedule == (5, 60, 600)
    assert settings.webhook_timeout == 7.5
    assert settings.webhook_allowed_networks == ("10.0.0.0/8", "127.0.0.0/8")


def test_defaults_are_the_embedded_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "WEBHOOK_RETRY_SCHEDULE"):
        monkeypatch.delenv(f"STAMPGATE_{name}", raising=False)
    settings = Settings()
    assert settings.is_sqlite
    assert settings.database_url.endswith("/var/stampgate.db")
    assert settings.redis_url is None
    assert settings.webhook_retry_schedule == DEFAULT_RETRY_SCHEDULE
    assert settings.webhook_timeout == 15


def test_each_app_has_its_own_state(settings: Settings) -> None:
    first: Flask = create_app(settings)
    second: Flask = create_app(settings.model_copy(update={"max_body_bytes": 10}))
    try:
        assert first.extensions["stampgate"] is not second.extensions["stampgate"]
        assert first.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
        assert second.config["MAX_CONTENT_LENGTH"] == 10
    finally:
        first.extensions["stampgate"].close()
        second.extensions["stampgate"].close()


def test_wsgi_module_serves_the_environment_app(tmp_path: Path) -> None:
    code = (
        "import wsgi; c = wsgi.app.test_client(); r = c.get('/healthz');"
        "print(r.status_code, wsgi.app.extensions['stampgate'].settings.database_url)"
    )
    url = f"sqlite:///{tmp_path}/w.db"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "STAMPGATE_DATABASE_URL": url},
    )
    assert result.stdout.split() == ["200", url]
