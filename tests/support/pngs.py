"""Small images made on the spot, base64-encoded as the Wallet design takes them."""

from __future__ import annotations

import base64
import io
import struct
import zlib

from PIL import Image


def image_b64(width: int, height: int, kind: str = "PNG") -> str:
    """A plain image of this size and format, in base64."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, kind)
    return base64.b64encode(out.getvalue()).decode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def claimed_huge_png_b64(side: int = 100_000) -> str:
    """A PNG header that claims ``side`` x ``side`` pixels, with no picture behind it."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IEND", b"")
    return base64.b64encode(data).decode()
