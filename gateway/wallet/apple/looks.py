"""A program's Wallet design as an Apple pass wears it: colours, labels and images."""

from __future__ import annotations

from gateway.wallet.apple import fields, package
from gateway.wallet.design.images import pass_images
from gateway.wallet.design.models import WalletDesign

_IMAGE_NAMES = {"icon_png": "icon", "logo_png": "logo", "strip_png": "strip"}


def rgb(colour: str | None, default: str) -> str:
    """``#3b2417`` as ``rgb(59,36,23)``; the default without a colour."""
    if colour is None:
        return default
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return f"rgb({red},{green},{blue})"


def look_of(design: WalletDesign | None) -> fields.Look:
    """The pass's colours and labels (the defaults without a design)."""
    if design is None:
        return fields.Look()
    default = fields.Look()
    return fields.Look(
        background=rgb(design.background_color, default.background),
        foreground=rgb(design.foreground_color, default.foreground),
        label=rgb(design.label_color, default.label),
        stamps_label=design.stamps_label or default.stamps_label,
        reward_label=design.reward_label or default.reward_label,
    )


def images_of(design: WalletDesign | None) -> dict[str, bytes]:
    """The pass's images: the design's, scaled, over the plain default icon."""
    images = package.default_images()
    if design is None:
        return images
    for field, name in _IMAGE_NAMES.items():
        data = getattr(design, field)
        if data:
            images |= pass_images(field, data, name)
    return images
