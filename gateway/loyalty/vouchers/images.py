"""Pictures of a redeem code for tills and scanners: QR (SVG, PNG) and Code 128 (SVG, PNG).

PNGs are written with the pure-Python PNG encoder (no imaging library): QR through qrcode's
own pure backend, Code 128 from python-barcode's bar pattern.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import png

from gateway.errors import DomainError

if TYPE_CHECKING:
    from barcode import Code128

# qrcode and python-barcode are imported when a picture is drawn, not by every web worker
# at start: most workers never draw one, and the libraries weigh megabytes in each of them.

QR_BOX_PIXELS = 8
BAR_MODULE_PIXELS = 3
BAR_HEIGHT_PIXELS = 120
# Scanners need this many blank modules on each side of a linear barcode.
QUIET_ZONE_MODULES = 10
_BLACK, _WHITE = 0, 255


def qr_svg(text: str) -> bytes:
    """A QR code of ``text`` as SVG."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, border=4)
    return bytes(image.to_string(encoding="utf-8"))


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as a greyscale PNG."""
    import qrcode
    from qrcode.image.pure import PyPNGImage

    image = qrcode.make(text, image_factory=PyPNGImage, box_size=QR_BOX_PIXELS, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def _code128(text: str) -> Code128:
    from barcode import Code128
    from barcode.errors import BarcodeError
    from barcode.writer import SVGWriter

    try:
        symbol = Code128(text, writer=SVGWriter())
        symbol.build()
    except BarcodeError as exc:
        raise DomainError(
            "barcode_unsupported",
            "The code has characters Code 128 cannot carry; use the QR code.",
        ) from exc
    return symbol


def can_barcode(text: str) -> bool:
    """True when Code 128 can carry ``text`` (else only the QR code can)."""
    try:
        _code128(text)
    except DomainError:
        return False
    return True


def barcode_svg(text: str) -> bytes:
    """A Code 128 barcode of ``text`` as SVG, with the text printed under the bars."""
    rendered = _code128(text).render(writer_options={"quiet_zone": 6.5, "module_height": 15.0})
    return bytes(rendered)


def barcode_png(text: str) -> bytes:
    """A Code 128 barcode of ``text`` as a greyscale PNG (bars only)."""
    modules = "0" * QUIET_ZONE_MODULES + _code128(text).build()[0] + "0" * QUIET_ZONE_MODULES
    row = [
        _BLACK if module == "1" else _WHITE for module in modules for _ in range(BAR_MODULE_PIXELS)
    ]
    buffer = io.BytesIO()
    writer = png.Writer(width=len(row), height=BAR_HEIGHT_PIXELS, greyscale=True, bitdepth=8)
    writer.write(buffer, [row] * BAR_HEIGHT_PIXELS)
    return buffer.getvalue()


RENDERERS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "qr.svg": (qr_svg, "image/svg+xml"),
    "qr.png": (qr_png, "image/png"),
    "barcode.svg": (barcode_svg, "image/svg+xml"),
    "barcode.png": (barcode_png, "image/png"),
}
