"""The guides beside the API reference at ``/docs``: Markdown files of the package, rendered
to HTML once (CommonMark with tables; raw HTML in the Markdown is shown as text, never run)."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Blueprint, render_template
from markupsafe import Markup

GUIDE_FILES = Path(__file__).parent / "guides"
# url name -> the title in the navigation; each is GUIDE_FILES / f"{name}.md"
GUIDES = {"getting-started": "Getting started", "verifying-webhooks": "Verifying webhooks"}


def render_markdown(text: str) -> Markup:
    """HTML of CommonMark text (with tables); raw HTML is escaped, unsafe links are not links."""
    # Imported by the first guide shown, not by every web worker at start (a megabyte in each).
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return Markup(html)  # noqa: S704 - markdown-it escaped the text and refused raw HTML


@functools.cache
def render_guide(name: str) -> Markup:
    """The guide's HTML, rendered once."""
    return render_markdown((GUIDE_FILES / f"{name}.md").read_text(encoding="utf-8"))


def _page(name: str) -> str:
    return render_template("guide.html", title=GUIDES[name], body=render_guide(name), guides=GUIDES)


def add_guide_pages(docs: Blueprint) -> None:
    """Serve each guide at ``/docs/<name>`` of the docs blueprint."""
    rule = f"/<any({', '.join(map(repr, GUIDES))}):name>"
    docs.add_url_rule(rule, "guide", _page, methods=["GET"])
