"""Settings, Wallet: the owner uploads the Apple Wallet certificate as PEM blocks or a .p12
file, sees its expiry (warned about 30 days ahead) and the API's refusals beside the form."""

from __future__ import annotations

import base64
import io
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.support.api import Api
from tests.support.console import Console
from tests.support.pngs import image_b64
from tests.support.programs import nine_stamp_card
from tests.support.wallet_certs import PASS_TYPE_ID, chain

PAGE = "/console/settings/wallet"


def test_the_owner_uploads_pem_blocks_and_sees_the_expiry(owner_console: Console) -> None:
    saved = owner_console.submit(f"{PAGE}/apple", chain().body(), PAGE)
    assert saved.status_code == 302
    page = owner_console.get(PAGE).get_data(as_text=True)
    assert f"Pass Type ID: {PASS_TYPE_ID}" in page
    assert 'data-testid="apple-expiry"' in page
    assert "apple-expires-soon" not in page
    assert "PRIVATE KEY" not in page
    soon = chain().body(certificate_pem=chain().expiring_certificate_pem)
    assert owner_console.submit(f"{PAGE}/apple", soon, PAGE).status_code == 302
    assert "expires within 30 days" in owner_console.get(PAGE).get_data(as_text=True)
    removed = owner_console.submit(f"{PAGE}/apple/remove", {}, PAGE)
    assert removed.status_code == 302
    assert "No certificate yet" in owner_console.get(PAGE).get_data(as_text=True)


def test_a_p12_file_is_read_and_a_key_of_another_certificate_refused(
    owner_console: Console,
) -> None:
    _assert_refused_key(owner_console)
    certificate = x509.load_pem_x509_certificate(chain().certificate_pem.encode())
    key = serialization.load_pem_private_key(chain().key_pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    bundle = pkcs12.serialize_key_and_certificates(
        b"pass",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    owner_console.get(PAGE)
    form = {
        "csrf_token": owner_console.token(),
        "pass_type_id": PASS_TYPE_ID,
        "team_id": "A1B2C3D4E5",
        "wwdr_pem": chain().wwdr_pem,
        "pkcs12_password": "s3cret",
        "pkcs12": (io.BytesIO(bundle), "pass.p12"),
    }
    saved = owner_console.client.post(
        f"{PAGE}/apple", data=form, content_type="multipart/form-data"
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert f"Pass Type ID: {PASS_TYPE_ID}" in owner_console.get(PAGE).get_data(as_text=True)


def _assert_refused_key(owner_console: Console) -> None:
    refused = owner_console.submit(
        f"{PAGE}/apple", chain().body(key_pem=chain().other_key_pem), PAGE
    )
    assert refused.status_code == 422
    assert "does not belong to the certificate" in refused.get_data(as_text=True)
    assert "No certificate yet" in refused.get_data(as_text=True)


def test_a_card_design_is_uploaded_and_an_empty_file_keeps_the_image(
    api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    program_id = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    program = program_id.get_json()["id"]
    owner_console.get(PAGE)
    form: dict[str, Any] = {
        "csrf_token": owner_console.token(),
        "program_id": program,
        "background_color": "#3b2417",
        "icon_png": (io.BytesIO(base64.b64decode(image_b64(58, 58))), "icon.png"),
    }
    post = owner_console.client.post
    saved = post(f"{PAGE}/design", data=form, content_type="multipart/form-data")
    assert saved.status_code == 302, saved.get_data(as_text=True)
    recoloured = {
        "csrf_token": owner_console.token(),
        "program_id": program,
        "stamps_label": "Cups",
    }
    assert post(f"{PAGE}/design", data=recoloured).status_code == 302
    design = api.call("GET", f"/v1/programs/{program}/wallet-design", merchant["api_key"])
    assert design.get_json()["images"] == ["icon"]
    assert design.get_json()["stamps_label"] == "Cups"
    jpeg = (io.BytesIO(base64.b64decode(image_b64(29, 29, "JPEG"))), "icon.jpg")
    bad = {"csrf_token": owner_console.token(), "program_id": program, "icon_png": jpeg}
    refused = post(f"{PAGE}/design", data=bad, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "not a PNG" in refused.get_data(as_text=True)
