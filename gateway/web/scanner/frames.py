"""Camera frames from the scanner page, decoded on the server with zxing-cpp."""

from __future__ import annotations

import io
import warnings

from gateway.errors import DomainError

MAX_FRAME_BYTES = 512 * 1024
MAX_FRAME_PIXELS = 1920 * 1920
FORMATS = ("JPEG", "PNG")


def decode_frame(data: bytes) -> str | None:
    """The text of the first code zxing-cpp finds in the image, or None.

    Refuses (``validation_error``) what is not a JPEG or PNG frame of a sane size.
    """
    # Imported on the first frame, not by every web worker at start: Pillow and zxing-cpp
    # weigh megabytes in each, and only the workers serving a scanner decode frames.
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if not data or len(data) > MAX_FRAME_BYTES:
        raise DomainError(
            "validation_error", f"frame: send a JPEG or PNG of at most {MAX_FRAME_BYTES} bytes."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS or image.width * image.height > MAX_FRAME_PIXELS:
                raise DomainError("validation_error", "frame: send a JPEG or PNG camera frame.")
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        raise DomainError("validation_error", "frame: send a JPEG or PNG camera frame.") from None
    for found in zxingcpp.read_barcodes(image.convert("L")):
        if found.text:
            return str(found.text)
    return None
