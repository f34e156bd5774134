"""The ``.pkpass`` archive: its files, ``manifest.json`` (SHA-1 of each) and ``signature``, a
detached PKCS#7 signature of the manifest (DER, SHA-256) carrying the WWDR intermediate."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import zipfile
from typing import Any

from gateway.wallet.apple.certificates import SigningIdentity

# pyca/cryptography and Pillow are imported when a pass is signed or its icon drawn, not by
# every web worker at start: they weigh megabytes in each, and most workers build no pass.

CONTENT_TYPE = "application/vnd.apple.pkpass"
ICON_POINTS = 29
ICON_COLOUR = (32, 33, 36)


def manifest(files: dict[str, bytes]) -> bytes:
    """``manifest.json``: each file's name and the SHA-1 hex of its bytes."""
    hashed = {
        name: hashlib.sha1(data, usedforsecurity=False).hexdigest() for name, data in files.items()
    }
    return json.dumps(hashed, sort_keys=True).encode()


def sign(manifest_bytes: bytes, identity: SigningIdentity) -> bytes:
    """The detached signature of the manifest (binary: line endings are left as they are)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest_bytes)
        .add_signer(identity.certificate, identity.key, hashes.SHA256())
        .add_certificate(identity.wwdr)
        .sign(Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )


@functools.cache
def plain_icon(scale: int) -> bytes:
    """A plain square icon (the notification icon every pass needs) until a design gives one."""
    from PIL import Image

    size = ICON_POINTS * scale
    out = io.BytesIO()
    Image.new("RGB", (size, size), ICON_COLOUR).save(out, "PNG")
    return out.getvalue()


def default_images() -> dict[str, bytes]:
    """The images of a pass without a design of its own."""
    return {"icon.png": plain_icon(1), "icon@2x.png": plain_icon(2)}


def build_pkpass(
    document: dict[str, Any], images: dict[str, bytes], identity: SigningIdentity
) -> bytes:
    """The signed archive of a pass."""
    files = {"pass.json": json.dumps(document, ensure_ascii=False).encode(), **images}
    manifest_bytes = manifest(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("signature", sign(manifest_bytes, identity))
    return out.getvalue()
