"""A program's Wallet design: colours, labels and size-checked PNG images on its passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.pkpass import assert_signed, download, open_pkpass, pass_json
from tests.support.pngs import claimed_huge_png_b64, image_b64
from tests.support.problems import assert_problem


def _design_path(api: Api, merchant: dict[str, Any], number: str) -> str:
    card = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    return f"/v1/programs/{card['program_id']}/wallet-design"


def test_a_design_dresses_the_programs_passes(
    api: Api, apple_merchant: dict[str, Any], tmp_path: Path
) -> None:
    key = apple_merchant["api_key"]
    number = new_card(api, apple_merchant)
    design = {
        "background_color": "#3b2417",
        "foreground_color": "#ffffff",
        "stamps_label": "Coffees",
        "icon_png": image_b64(87, 87),
        "logo_png": image_b64(480, 150),
    }
    saved = api.call("PUT", _design_path(api, apple_merchant, number), key, json=design)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["images"] == ["icon", "logo"]
    card = api.call("GET", f"/v1/cards/{number}", key).get_json()
    content = download(api.client, card["apple_pass_url"])
    assert_signed(content, tmp_path)
    document = pass_json(content)
    assert document["backgroundColor"] == "rgb(59,36,23)"
    assert document["storeCard"]["primaryFields"][0]["label"] == "Coffees"
    files = open_pkpass(content)
    assert {"icon.png", "icon@2x.png", "icon@3x.png", "logo.png", "logo@3x.png"} <= set(files)


def test_images_of_the_wrong_type_or_size_are_refused_and_nothing_is_written(
    api: Api, apple_merchant: dict[str, Any]
) -> None:
    key = apple_merchant["api_key"]
    path = _design_path(api, apple_merchant, new_card(api, apple_merchant))
    jpeg = api.call("PUT", path, key, json={"icon_png": image_b64(29, 29, "JPEG")})
    assert assert_problem(jpeg, 422, "wallet_image_invalid")["errors"][0]["loc"] == [
        "body",
        "icon_png",
    ]
    oblong = api.call("PUT", path, key, json={"icon_png": image_b64(40, 29)})
    assert_problem(oblong, 422, "wallet_image_invalid")
    huge_strip = {"strip_png": image_b64(2000, 600), "background_color": "#000000"}
    assert_problem(api.call("PUT", path, key, json=huge_strip), 422, "wallet_image_invalid")
    bomb = api.call("PUT", path, key, json={"logo_png": claimed_huge_png_b64()})
    assert_problem(bomb, 422, "wallet_image_invalid")
    assert_problem(api.call("GET", path, key), 404, "not_found")
