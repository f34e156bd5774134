"""The dashboard: the period's figures as tiles, tables, and a server-drawn SVG chart."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from flask import Flask

from tests.support.analytics import busy_day
from tests.support.api import Api
from tests.support.console import Console, make_user

_TILE = re.compile(r'<span class="figure">([^<]+)</span><span class="what">([^<]+)</span>')
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<td[^>]*>([^<]*)</td>")
_SVG = "{http://www.w3.org/2000/svg}"


def table_rows(page: str) -> list[list[str]]:
    """The cells of every table row of the page."""
    return [_CELL.findall(row) for row in _ROW.findall(page)]


def tiles(page: str) -> dict[str, str]:
    """The dashboard's tiles: label -> figure."""
    return {what: figure for figure, what in _TILE.findall(page)}


def test_the_dashboard_shows_the_periods_figures(
    api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    busy_day(api, merchant)
    response = owner_console.get("/console/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert tiles(page) == {
        "Stamps given": "8",
        "Rewards reached": "4",
        "Vouchers issued": "2",
        "Vouchers redeemed": "2",
        "Vouchers expired": "0",
        "Redemption rate": "100%",
        "Rejected codes": "2",
    }
    assert "1 already redeemed, 1 other customer" in page
    assert ["terrace", "2", "0", "1", "0", "1", "1"] in table_rows(page)
    assert ["bar-1", "2", "1"] in table_rows(page)
    assert 'src="/console/dashboard/chart.svg?days=30"' in page
    assert "Connect your till" in page  # the setup hints stay below the figures
    assert " style=" not in page


def test_the_location_and_period_choice(
    api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    busy_day(api, merchant)
    page = owner_console.get("/console/?days=7&location=terrace").get_data(as_text=True)
    assert tiles(page)["Stamps given"] == "2"
    assert tiles(page)["Redemption rate"] == "n/a"
    assert '<option value="terrace" selected>' in page
    assert '<option value="7" selected>' in page
    assert "chart.svg?days=7&amp;location=terrace" in page
    refused = owner_console.get("/console/?days=12")
    assert refused.status_code == 422
    assert 'class="field-error"' in refused.get_data(as_text=True)


def test_the_chart_is_svg_with_a_bar_per_day(
    api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    busy_day(api, merchant)
    response = owner_console.get("/console/dashboard/chart.svg?days=7")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(response.get_data())  # noqa: S314  # our own page, not untrusted
    assert root.tag == f"{_SVG}svg"
    labels = [title.text or "" for title in root.iter(f"{_SVG}title")]
    assert "Stamps and redemptions per day" in labels
    assert sum(label.endswith(" stamps") for label in labels) == 7
    assert any(label.endswith(": 8 stamps") for label in labels)
    assert any(label.endswith(": 2 redemptions") for label in labels)
    assert not [element for element in root.iter() if "style" in element.attrib]
    assert root.find(f"{_SVG}style") is None


def test_another_merchants_figures_never_show(
    app: Flask, api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any], console: Console
) -> None:
    busy_day(api, merchant)
    other = make_user(app, other_merchant["id"], "owner@other.example")
    console.log_in(other.email)
    page = console.get("/console/?location=terrace").get_data(as_text=True)
    assert set(tiles(page).values()) <= {"0", "n/a"}
    assert "bar-1" not in page
    assert '<option value="terrace"' not in page
    chart = console.get("/console/dashboard/chart.svg").get_data(as_text=True)
    assert ": 0 stamps" in chart
    assert ": 8 stamps" not in chart


def test_the_chart_needs_a_logged_in_owner_or_manager(console: Console) -> None:
    response = console.get("/console/dashboard/chart.svg")
    assert response.status_code == 302
    assert "/console/login" in response.headers["Location"]
