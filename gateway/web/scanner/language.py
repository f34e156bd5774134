"""The scanner's words: gettext through Flask-Babel, from this blueprint's own catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import request
from flask.sansio.app import App
from flask_babel import Babel, Domain

LANGUAGES = ("en", "ja", "ko")
TRANSLATIONS = Path(__file__).parent / "translations"
domain = Domain(translation_directories=str(TRANSLATIONS), domain="messages")


def _(text: str, **variables: Any) -> str:
    """``text`` in the page's language, with ``%(name)s`` variables filled in."""
    return str(domain.gettext(text, **variables))


def ngettext(singular: str, plural: str, count: int, **variables: Any) -> str:
    """The singular or plural of a counted text, in the page's language."""
    return str(domain.ngettext(singular, plural, count, **variables))


def install_babel(app: App) -> None:
    """Flask-Babel on the app, choosing from Accept-Language, unless it is installed already."""
    if "babel" not in app.extensions:
        Babel(app, locale_selector=lambda: request.accept_languages.best_match(LANGUAGES))
