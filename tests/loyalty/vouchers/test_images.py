"""Code pictures: QR and Code 128, as SVG and PNG; the PNGs are read back with a real decoder."""

from __future__ import annotations

from typing import Any

import png
import pytest
import zxingcpp

from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card
from tests.support.problems import assert_problem

PICTURES = [
    ("qr.svg", "image/svg+xml"),
    ("qr.png", "image/png"),
    ("barcode.svg", "image/svg+xml"),
    ("barcode.png", "image/png"),
]


def decode(data: bytes) -> tuple[str, str]:
    """The text and format a barcode reader finds in a PNG."""
    width, height, rows, info = png.Reader(bytes=data).asDirect()
    assert info["greyscale"]
    top = 2 ** info["bitdepth"] - 1
    pixels = bytes(value * 255 // top for row in rows for value in row)
    # The view does not own its buffer: ``pixels`` must stay referenced while it is read.
    found = zxingcpp.read_barcode(
        zxingcpp.ImageView(pixels, width, height, zxingcpp.ImageFormat.Lum)
    )
    assert found is not None, "no barcode found"
    return found.text, found.format.name


def _get(api: Api, merchant: dict[str, Any], path: str, **headers: str) -> Any:
    return api.call("GET", path, merchant["api_key"], headers=headers)


@pytest.fixture
def voucher(api: Api, merchant: dict[str, Any]) -> dict[str, Any]:
    """A voucher with a unique code."""
    return give(api, merchant, code_voucher(UNIQUE), new_card(api, merchant))


@pytest.mark.parametrize(("picture", "content_type"), PICTURES)
def test_pictures_have_their_content_type_and_cache_headers(
    api: Api, merchant: dict[str, Any], voucher: dict[str, Any], picture: str, content_type: str
) -> None:
    response = _get(api, merchant, f"/v1/vouchers/{voucher['id']}/{picture}")
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Authorization" in response.headers["Vary"]
    etag = response.headers["ETag"]
    if content_type == "image/svg+xml":
        assert b"<svg" in response.data
    else:
        assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    again = _get(
        api, merchant, f"/v1/vouchers/{voucher['id']}/{picture}", **{"If-None-Match": etag}
    )
    assert (again.status_code, again.data) == (304, b"")


def test_the_pngs_decode_to_the_code(
    api: Api, merchant: dict[str, Any], voucher: dict[str, Any]
) -> None:
    qr = _get(api, merchant, f"/v1/vouchers/{voucher['id']}/qr.png").data
    bars = _get(api, merchant, f"/v1/vouchers/{voucher['id']}/barcode.png").data
    assert decode(qr) == (voucher["code"], "QRCode")
    assert decode(bars) == (voucher["code"], "Code128")


def test_a_voucher_without_a_code_shows_its_id(api: Api, merchant: dict[str, Any]) -> None:
    staff = {"type": "voucher", "description": "Cake", "redemption": "staff"}
    voucher = give(api, merchant, staff, None)
    qr = _get(api, merchant, f"/v1/vouchers/{voucher['id']}/qr.png").data
    assert decode(qr) == (voucher["id"], "QRCode")


def test_a_code_code128_cannot_carry_is_refused_as_a_barcode(
    api: Api, merchant: dict[str, Any]
) -> None:
    coffee = "\u043a\u0430\u0432\u0430"  # Ukrainian for coffee, in Cyrillic
    reward = code_voucher({"mode": "shared", "value": coffee})
    voucher = give(api, merchant, reward, new_card(api, merchant))
    refused = _get(api, merchant, f"/v1/vouchers/{voucher['id']}/barcode.png")
    assert_problem(refused, 409, "barcode_unsupported")
    qr = _get(api, merchant, f"/v1/vouchers/{voucher['id']}/qr.png").data
    assert decode(qr)[0] == coffee


def test_pictures_are_documented_with_their_media_types(client: Any) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    for picture, content_type in PICTURES:
        operation = paths[f"/v1/vouchers/{{voucher_id}}/{picture}"]["get"]
        assert content_type in operation["responses"]["200"]["content"]
    export = paths["/v1/programs/{program_id}/codes.csv"]["get"]
    assert "text/csv" in export["responses"]["200"]["content"]
    upload = paths["/v1/code-pools/{pool_id}/codes"]["post"]
    assert {"text/csv", "application/json"} <= set(upload["requestBody"]["content"])
