"""A program's Wallet design as sent (images as base64 PNG) and as answers show it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from gateway.examples import example
from gateway.strict import StrictModel

Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Png = Annotated[str, StringConstraints(min_length=1, max_length=700_000)]
_TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAB0AAAAdCAIAAADZ8fBYAAAAKElEQVR4nGO0VhFnoAFgooWho+aOmjtq7qi5o+aOmjtq7qi5o+aSDQDC4wCwHhcu6AAAAABJRU5ErkJggg=="  # noqa: E501


class DesignIn(StrictModel):
    """The whole design (what is left out goes back to the default): colours as ``#rrggbb``,
    the labels of the stamps and next-reward fields, and PNG images in base64: ``icon_png``
    square, 29-1024 px; ``logo_png`` up to 480x150 px; ``strip_png`` 320x84 to 1125x369 px."""

    model_config = StrictModel.model_config | example(
        {
            "background_color": "#3b2417",
            "foreground_color": "#ffffff",
            "label_color": "#f3d9b1",
            "stamps_label": "Coffees",
            "reward_label": "Next treat",
            "icon_png": _TINY_PNG,
        }
    )

    background_color: Colour | None = None
    foreground_color: Colour | None = None
    label_color: Colour | None = None
    stamps_label: Label | None = None
    reward_label: Label | None = None
    logo_png: Png | None = None
    icon_png: Png | None = None
    strip_png: Png | None = None


class DesignOut(BaseModel):
    """A program's Wallet design; images are named by whether they are set."""

    model_config = example(
        {
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "background_color": "#3b2417",
            "foreground_color": "#ffffff",
            "label_color": "#f3d9b1",
            "stamps_label": "Coffees",
            "reward_label": "Next treat",
            "images": ["icon"],
            "updated_at": "2026-12-01T12:00:00Z",
        }
    )

    program_id: str
    background_color: str | None
    foreground_color: str | None
    label_color: str | None
    stamps_label: str | None
    reward_label: str | None
    images: list[str] = Field(description="The images set: icon, logo, strip")
    updated_at: datetime


class DesignPath(BaseModel):
    """The program of the design."""

    program_id: str = Field(max_length=64)
