"""The scanner's catalogs are merged with every other blueprint's into one domain, so a message
that two blueprints share must read the same in both (else one page would show the other's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from gateway.web.i18n import translation_folders


def _catalog(folder: Path, language: str) -> dict[str, object]:
    with (folder / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    return {str(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id}


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_messages_shared_with_other_pages_read_the_same(language: str) -> None:
    scanner = next(folder for folder in translation_folders() if folder.parent.name == "scanner")
    ours = _catalog(scanner, language)
    for folder in translation_folders():
        if folder == scanner or not (folder / language).is_dir():
            continue
        theirs = _catalog(folder, language)
        differ = {key for key in ours.keys() & theirs.keys() if ours[key] != theirs[key]}
        assert not differ, f"{folder.parent.name} translates these otherwise: {sorted(differ)}"
