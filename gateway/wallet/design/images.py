"""Checking a design's PNG images (type and size, with pillow) and scaling them for a pass."""

from __future__ import annotations

import base64
import binascii
import functools
import io
import warnings
from dataclasses import dataclass

from gateway.errors import DomainError

# Pillow is imported when an image is checked or scaled, not by every web worker at start:
# it weighs megabytes in each, and most workers see no design.


@dataclass(frozen=True)
class ImageRule:
    """The pixel sizes an image may have, and the box (in points) a pass shows it in."""

    min_size: tuple[int, int]
    max_size: tuple[int, int]
    points: tuple[int, int]
    square: bool = False


RULES = {
    "icon_png": ImageRule((29, 29), (1024, 1024), (29, 29), square=True),
    "logo_png": ImageRule((16, 16), (480, 150), (160, 50)),
    "strip_png": ImageRule((320, 84), (1125, 369), (375, 123)),
}
MAX_PNG_BYTES = 512 * 1024


def image_invalid(field: str, why: str) -> DomainError:
    """The refusal of an image that is not a PNG of the allowed size."""
    return DomainError(
        "wallet_image_invalid",
        f"{field}: {why}",
        errors=[{"loc": ["body", field], "msg": why, "type": "value_error"}],
    )


def _size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def checked_png(field: str, encoded: str) -> bytes:
    """The PNG bytes of a base64 field, checked for type and size (read lazily: pillow looks
    at the header only, so a huge image is refused before it is decoded)."""
    from PIL import Image, UnidentifiedImageError

    rule = RULES[field]
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise image_invalid(field, "not base64") from None
    if len(data) > MAX_PNG_BYTES:
        raise image_invalid(field, f"larger than {MAX_PNG_BYTES // 1024} KB")
    try:
        with warnings.catch_warnings():
            # A header claiming a huge picture is refused, not just warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, size = image.format, image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning):
        raise image_invalid(field, "not a PNG image") from None
    except Image.DecompressionBombError:
        raise image_invalid(field, "far too many pixels") from None
    if kind != "PNG":
        raise image_invalid(field, f"a {kind} image, not a PNG")
    low, high = rule.min_size, rule.max_size
    if not (low[0] <= size[0] <= high[0] and low[1] <= size[1] <= high[1]):
        raise image_invalid(
            field,
            f"{_size_text(size)} pixels; from {_size_text(low)} to {_size_text(high)} fit",
        )
    if rule.square and size[0] != size[1]:
        raise image_invalid(field, f"{_size_text(size)} pixels; it must be square")
    return data


@functools.lru_cache(maxsize=64)
def scaled(data: bytes, box: tuple[int, int]) -> bytes:
    """The image shrunk to fit ``box`` pixels (never enlarged), as PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        copy = image.copy()
    copy.thumbnail(box)
    out = io.BytesIO()
    copy.save(out, "PNG")
    return out.getvalue()


def pass_images(field: str, data: bytes, name: str) -> dict[str, bytes]:
    """``name.png`` and its @2x and @3x versions of a checked image."""
    width, height = RULES[field].points
    return {
        f"{name}{suffix}.png": scaled(data, (width * scale, height * scale))
        for scale, suffix in ((1, ""), (2, "@2x"), (3, "@3x"))
    }
