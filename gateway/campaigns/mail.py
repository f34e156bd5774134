"""A campaign's e-mail to one customer: the plain message text and the same text as HTML (escaped,
its links made clickable), the campaign's name as the subject, and the one-click unsubscribe
headers of RFC 8058 pointing at the customer's signed unsubscribe link."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

# A link in the plain text: http(s) up to the next space; closing punctuation stays text.
_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class CampaignMail:
    """What one campaign e-mail says and where it goes."""

    message_id: str
    sender: str
    merchant_name: str
    to: str
    subject: str
    text: str
    unsubscribe_url: str
    one_click_url: str


def linked_html(text: str) -> str:
    """``text`` as HTML paragraphs: everything escaped, its http(s) links made into anchors."""
    pieces: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        pieces.append(html.escape(text[position : match.start()]))
        link = html.escape(match.group(0))
        pieces.append(f'<a href="{link}">{link}</a>')
        position = match.end()
    pieces.append(html.escape(text[position:]))
    paragraphs = re.split(r"\n\s*\n", "".join(pieces).strip())
    return "\n".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs)


def _from(sender: str, merchant_name: str) -> str:
    name, address = parseaddr(sender)
    return formataddr((name or merchant_name, address))


def _domain(sender: str) -> str:
    return Address(addr_spec=parseaddr(sender)[1]).domain or "localhost"


def _footer(unsubscribe_url: str) -> tuple[str, str]:
    words = "You receive this because you agreed to news from us. Unsubscribe:"
    link = html.escape(unsubscribe_url)
    return (
        f"\n\n--\n{words} {unsubscribe_url}\n",
        f'<p><small>{words} <a href="{link}">{link}</a></small></p>',
    )


def compose(mail: CampaignMail) -> EmailMessage:
    """The multipart/alternative message (text, then HTML) with its unsubscribe headers."""
    message = EmailMessage()
    message["From"] = _from(mail.sender, mail.merchant_name)
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    # The row's own id: a retry of the same message carries the same Message-ID.
    message["Message-ID"] = f"<{mail.message_id}@{_domain(mail.sender)}>"
    message["List-Unsubscribe"] = f"<{mail.one_click_url}>"
    message["List-Unsubscribe-Post"] = ONE_CLICK
    text_footer, html_footer = _footer(mail.unsubscribe_url)
    message.set_content(mail.text + text_footer)
    body = f"{linked_html(mail.text)}\n{html_footer}"
    message.add_alternative(
        f"<!doctype html>\n<html><body>\n{body}\n</body></html>\n", subtype="html"
    )
    return message
