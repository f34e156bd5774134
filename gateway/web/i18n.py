"""Languages of the pages customers and staff see (Flask-Babel).

Each web blueprint keeps its own catalogs beside it, in
``gateway/web/<blueprint>/translations/<lang>/LC_MESSAGES/messages.po``; every such folder is
found at start-up and their messages are merged. The ``.po`` files are the only source: they
are read and compiled in memory once per process, so there is no compile step and nothing
binary in the repository. After changing strings in a blueprint's pages, ``make translations``
extracts them and updates its catalogs; fill in the new ``msgstr`` entries (the test
``tests/web/test_translations.py`` fails while any message of a page lacks a translation).

The language of a request: ``?lang=`` (the switcher's links, remembered in the session), then
the remembered choice, then the browser's Accept-Language, then English. The console is in
English only; its templates do not use ``_()``.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel import Locale, support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import Babel, Domain

WEB = Path(__file__).parent
CATALOG = "messages.po"
# The languages every translated page ships complete (the first is the source language).
LANGUAGES: dict[str, str] = {"en": "English", "ja": "日本語", "ko": "한국어"}
LANGUAGE_KEY = "lang"


def translation_folders() -> list[Path]:
    """The ``translations`` folder of every web blueprint that has one."""
    return sorted(folder for folder in WEB.glob("*/translations") if folder.is_dir())


def read_catalog(path: Path, locale: str) -> support.Translations:
    """One ``.po`` file compiled in memory (fuzzy entries are left out, as ``msgfmt`` does)."""
    with path.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return support.Translations(compiled)


class SourceCatalogs(Domain):  # type: ignore[misc]  # flask-babel ships no type hints
    """The ``messages`` domain read from every blueprint's ``.po`` files."""

    def __init__(self, folders: list[Path]) -> None:
        super().__init__(translation_directories=[str(folder) for folder in folders])
        self.folders = folders

    def get_translations(self) -> support.NullTranslations:
        locale = str(_current_locale())
        if locale not in self.cache:
            self.cache[locale] = self._merged(locale)
        translations: support.NullTranslations = self.cache[locale]
        return translations

    def _merged(self, locale: str) -> support.NullTranslations:
        merged = support.Translations()
        for folder in self.folders:
            path = folder / locale / "LC_MESSAGES" / CATALOG
            if path.is_file():
                catalog = read_catalog(path, locale)
                merged.merge(catalog)
                # merge() keeps only the messages: the plural rule comes from the catalog.
                merged.plural = catalog.plural
        return merged


class PageBabel(Babel):  # type: ignore[misc]
    """Flask-Babel with the catalogs read from source."""

    def __init__(self, folders: list[Path]) -> None:
        super().__init__()
        self.folders = folders

    @property
    def domain_instance(self) -> Domain:
        catalogs: Domain = self.__dict__.setdefault("_catalogs", SourceCatalogs(self.folders))
        return catalogs


def _current_locale() -> Locale:
    from flask_babel import get_locale

    locale: Locale | None = get_locale()
    return locale or Locale.parse("en")


def choose_language() -> str:
    """The language of this request (see the module's docstring for the order)."""
    asked = request.args.get(LANGUAGE_KEY)
    if asked in LANGUAGES:
        session[LANGUAGE_KEY] = asked
        return asked
    remembered = session.get(LANGUAGE_KEY)
    if remembered in LANGUAGES:
        return str(remembered)
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def page_timezone() -> str | None:
    """The time zone pages show times in: the merchant's, once a view names it."""
    zone: str | None = g.get("page_timezone")
    return zone


def show_times_in(timezone: str) -> None:
    """Show this request's dates and times in ``timezone`` (the merchant's)."""
    g.page_timezone = timezone


def install_languages(app: Flask) -> None:
    """Translate the pages that use ``_()`` and format their dates and money per locale."""
    PageBabel(translation_folders()).init_app(
        app, locale_selector=choose_language, timezone_selector=page_timezone
    )
    app.jinja_env.globals["page_languages"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language


def current_language() -> str:
    """The language code of this request's page (``en``, ``ja``, ``ko``)."""
    return _current_locale().language
