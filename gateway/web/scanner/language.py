"""The scanner's words: gettext through Flask-Babel (``gateway/web/i18n.py`` reads the catalogs
in this blueprint's ``translations`` folder with every other blueprint's)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import ngettext as babel_ngettext


def _(text: str, **variables: Any) -> str:
    """``text`` in the page's language, with ``%(name)s`` variables filled in."""
    return str(gettext(text, **variables))


def ngettext(singular: str, plural: str, count: int, **variables: Any) -> str:
    """The singular or plural of a counted text (``%(num)d`` is the count), translated."""
    return str(babel_ngettext(singular, plural, count, **variables))
