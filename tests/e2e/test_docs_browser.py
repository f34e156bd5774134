"""/docs works in a real browser under its Content-Security-Policy (Debian's Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from gateway import migrate
from tests.e2e.conftest import Server
from tests.support.services import unavailable

pytestmark = pytest.mark.e2e
StartServer = Callable[..., Server]
BROWSER_SECONDS = 120


def chromium() -> str:
    """Debian's Chromium, or skip (a failure in CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        unavailable("chromium is not installed (apt-get install chromium)")
    assert found is not None
    return found


def rendered(browser: str, url: str, profile: Path) -> tuple[str, str]:
    """The page's DOM once its scripts ran, and the browser's console log."""
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # tests run as root in CI containers
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=15000",  # let the UI fetch and render the document
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_SECONDS,
        check=True,
    )
    return done.stdout, done.stderr


def test_the_swagger_ui_renders_every_operation_without_a_policy_violation(
    start_server: StartServer, tmp_path: Path
) -> None:
    browser = chromium()
    database_url = f"sqlite:///{tmp_path}/docs.db"
    migrate.upgrade(database_url)
    server = start_server({"STAMPGATE_DATABASE_URL": database_url}, workers=1)
    document = requests.get(f"{server.base_url}/openapi.json", timeout=10).json()
    # Swagger UI shows the webhooks section's operations beside the paths'.
    sections = [*document["paths"].values(), *document["webhooks"].values()]
    operations = sum(len(item) for item in sections)
    dom, console = rendered(browser, f"{server.base_url}/docs", tmp_path / "profile")
    assert len(re.findall(r'class="opblock-summary-path"', dom)) == operations
    violations = [line for line in console.splitlines() if "Content Security Policy" in line]
    assert violations == []
