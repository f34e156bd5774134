"""Reading a ``.pkpass`` as Wallet would: its files, its manifest, its signature checked by
openssl against the test root."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.support.wallet_certs import chain


def open_pkpass(content: bytes) -> dict[str, bytes]:
    """The archive's files by name."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pass_json(content: bytes) -> dict[str, Any]:
    """The archive's ``pass.json``."""
    document: dict[str, Any] = json.loads(open_pkpass(content)["pass.json"])
    return document


def assert_signed(content: bytes, folder: Path) -> None:
    """The manifest lists every other file with its SHA-1, and openssl verifies the detached
    signature over it against the test root."""
    files = open_pkpass(content)
    manifest = json.loads(files["manifest.json"])
    listed = set(files) - {"manifest.json", "signature"}
    assert set(manifest) == listed
    for name in listed:
        assert manifest[name] == hashlib.sha1(files[name], usedforsecurity=False).hexdigest(), name
    (folder / "manifest.json").write_bytes(files["manifest.json"])
    (folder / "signature").write_bytes(files["signature"])
    verified = subprocess.run(
        [
            "openssl",
            "smime",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(folder / "signature"),
            "-content",
            str(folder / "manifest.json"),
            "-CAfile",
            str(chain().write_root(folder)),
            "-purpose",
            "any",
            "-out",
            str(folder / "verified"),
        ],
        capture_output=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr.decode()
    assert (folder / "verified").read_bytes() == files["manifest.json"]


def download(client: FlaskClient, url: str) -> bytes:
    """The pass a full ``apple_pass_url`` link answers (the test client opens its path)."""
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, response.get_data(as_text=True)
    content: bytes = response.data
    return content
