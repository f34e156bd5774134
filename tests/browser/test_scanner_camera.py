"""The scanner's camera in a real browser: Chromium's fake camera plays a video of a voucher's QR
code (made by the test), the page sends frames to the server, which decodes them with
zxing-cpp; the voucher opens and is redeemed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qrcode
from flask import Flask
from PIL import Image

from tests.browser.conftest import PHONE
from tests.browser.test_scanner import sign_in
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card
from tests.support.scanner import make_seat

pytestmark = pytest.mark.browser
WIDTH, HEIGHT, FRAMES = 640, 480, 10


def write_qr_video(text: str, path: Path) -> None:
    """A y4m video whose every frame is a grey-scale QR code of ``text`` on white."""
    code = qrcode.make(text, box_size=10, border=4).get_image().convert("L")
    side = min(HEIGHT - 40, code.width)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code.resize((side, side)), ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_page(browser: Any, tmp_path: Path, api: Api, merchant: dict[str, Any]) -> Iterator[Any]:
    """A second Chromium (the session's has no fake camera) whose camera shows the QR code of a
    new voucher (``page.voucher``)."""
    voucher = give(api, merchant, code_voucher(UNIQUE, redemption="staff"), new_card(api, merchant))
    video = tmp_path / "voucher-qr.y4m"
    write_qr_video(voucher["code"], video)
    with_camera = browser.browser_type.launch(
        executable_path=shutil.which("chromium") or shutil.which("chromium-browser"),
        args=[
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = with_camera.new_context(viewport=PHONE, permissions=["camera"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.voucher = voucher
    yield page
    context.close()
    with_camera.close()


def test_a_voucher_shown_to_the_camera_is_decoded_and_redeemed(
    camera_page: Any, live_url: str, app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    page, voucher = camera_page, camera_page.voucher
    _seat, link = make_seat(app, merchant["id"])
    sign_in(page, live_url, link, "Bar Counter")
    page.get_by_role("button", name="Scan with camera").click()
    page.wait_for_url(f"{live_url}/scanner/vouchers/{voucher['id']}")
    page.locator("#voucher.ok").get_by_text("Free pizza").wait_for()
    page.get_by_role("button", name="Redeem", exact=True).click()
    page.get_by_text("Redeemed. Give the customer the reward.").wait_for()
    read = api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()
    assert read["status"] == "redeemed"
    assert read["redemption_id"]
