"""Every translated page ships complete: each message of a blueprint's pages and views has a
Japanese and a Korean translation, with the same placeholders, and the right one is shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask, render_template_string, session

from gateway.web.i18n import LANGUAGES, translation_folders

METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w*\}")
TRANSLATED = [code for code in LANGUAGES if code != "en"]


def _messages_of(blueprint: Path) -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(blueprint), METHODS, options_map={"**/templates/**.html": {}}
    ):
        found.update([message] if isinstance(message, str) else message[:1])
    return found


@pytest.mark.parametrize("folder", translation_folders(), ids=lambda folder: folder.parent.name)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_of_the_pages_is_translated(folder: Path, language: str) -> None:
    path = folder / language / "LC_MESSAGES" / "messages.po"
    assert path.is_file(), f"{path} is missing: run `make translations`"
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    missing = []
    for message in sorted(_messages_of(folder.parent)):
        entry = catalog.get(message)
        text = entry.string if entry is not None else ""
        if entry is None or not text or entry.fuzzy:
            missing.append(message)
            continue
        translated = text if isinstance(text, str) else " ".join(text)
        assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(message)), (
            f"{language}: the placeholders of {message!r} differ in {translated!r}"
        )
    assert not missing, f"{path}: untranslated (run `make translations`, then translate): {missing}"


def test_there_are_catalogs_to_check() -> None:
    assert any(folder.parent.name == "public" for folder in translation_folders())


def _render(app: Flask, source: str, **request: object) -> str:
    with app.test_request_context("/", **request):
        return render_template_string(source)


def test_the_browser_language_chooses_the_translation(app: Flask) -> None:
    japanese = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"}
    assert _render(app, "{{ _('Not found') }}", headers=japanese) == "ページが見つかりません"
    assert _render(app, "{{ _('Not found') }}", headers={"Accept-Language": "ko"}) == (
        "페이지를 찾을 수 없습니다"
    )
    assert _render(app, "{{ _('Not found') }}", headers={"Accept-Language": "fr, de"}) == (
        "Not found"
    )
    assert _render(app, "{{ current_language() }}", headers=japanese) == "ja"


def test_the_switcher_choice_wins_and_is_remembered(app: Flask) -> None:
    with app.test_request_context("/?lang=ko", headers={"Accept-Language": "ja"}):
        assert render_template_string("{{ _('Sorry') }}") == "죄송합니다"
        assert session["lang"] == "ko"
    with app.test_request_context("/", headers={"Accept-Language": "ja"}):
        session["lang"] = "ko"
        assert render_template_string("{{ _('Sorry') }}") == "죄송합니다"
    unknown = _render(app, "{{ _('Sorry') }}", query_string={"lang": "xx"})
    assert unknown == "Sorry"


def test_dates_are_formatted_for_the_locale_in_the_merchants_time_zone(app: Flask) -> None:
    from datetime import UTC, datetime

    from gateway.web.i18n import show_times_in

    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with app.test_request_context("/", headers={"Accept-Language": "ja"}):
        show_times_in("Asia/Tokyo")
        shown = render_template_string("{{ moment|datetimeformat('short') }}", moment=moment)
    assert shown == "2026/12/01 18:30"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        show_times_in("Europe/Kyiv")
        shown = render_template_string("{{ moment|datetimeformat('short') }}", moment=moment)
    assert shown == "12/1/26, 11:30\u202fAM"
