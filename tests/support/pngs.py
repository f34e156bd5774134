"""Small images made on the spot, base64-encoded as the Wallet design takes them."""

from __future__ import annotations

import base64
import io

from PIL import Image


def image_b64(width: int, height: int, kind: str = "PNG") -> str:
    """A plain image of this size and format, in base64."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, kind)
    return base64.b64encode(out.getvalue()).decode()
