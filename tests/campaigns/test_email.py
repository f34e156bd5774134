"""Campaign e-mail through a real SMTP server: both parts, the RFC 8058 one-click unsubscribe
that stops the next campaign, consent, refusals recorded per message, deferrals retried."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from pydantic import SecretStr
from sqlalchemy import update

from gateway.campaigns.models import CampaignMessage
from gateway.campaigns.planning import plan_campaign
from gateway.campaigns.sending import drain_campaigns
from gateway.db import utcnow
from tests.campaigns.conftest import Shop
from tests.campaigns.test_sending import messages
from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from tests.support.smtp import MailServer, free_port, running_mail_server
from tests.web.public.conftest import csrf_token

MAIL_FROM = "news@cafe.example"
TEXT = "We miss you <3\n\nThe new menu: https://cafe.example/menu?x=1&y=2. Come by!"


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """An SMTP server the test's gateway mails to."""
    with running_mail_server() as server:
        yield server


def mailing_shop(make_app: Callable[..., Flask], smtp_url: str, **settings: Any) -> Shop:
    """A merchant on a gateway whose campaign e-mail goes to ``smtp_url``."""
    app = make_app(smtp_url=SecretStr(smtp_url), mail_from=MAIL_FROM, **settings)
    api = Api(app.test_client(), "test-admin-token")
    return Shop(app, api, api.create_merchant("Mail Cafe"))


def send(shop: Shop, **changes: Any) -> list[CampaignMessage]:
    """Create an e-mail campaign to every card, drain it; its message rows by card number."""
    body = {"channels": ["email"], "message_text": TEXT, "push_text": None, "name": "Back soon"}
    campaign = shop.create(**{**body, **changes})
    drain_campaigns(shop.sender())
    return messages(shop, campaign["id"])


def address(shop: Shop, number: str) -> str:
    """The card's e-mail address."""
    email: str = shop.ok("GET", f"/v1/cards/{number}")["customer"]["email"]
    return email


def by_address(shop: Shop, rows: list[CampaignMessage]) -> dict[str, tuple[str, str | None]]:
    """Status and reason of each message, by the card's address (None: no address)."""
    numbers = {
        card["id"]: card["customer"]["email"] for card in shop.ok("GET", "/v1/cards")["items"]
    }
    return {numbers[row.card_id]: (row.status, row.reason) for row in rows}


def test_a_consenting_customer_gets_both_parts_and_unsubscribes_in_one_click(
    make_app: Callable[..., Flask], mail_server: MailServer
) -> None:
    shop = mailing_shop(make_app, mail_server.url)
    subscriber = address(shop, shop.card(mail=True))
    silent = address(shop, shop.card())
    shop.card(email=False, mail=True)
    other_program = shop.ok("POST", "/v1/programs", json=nine_stamp_card(name="Tea card"))["id"]
    customer = {"email": subscriber, "consent": {"email": {"granted": True, "source": "till"}}}
    tea_card = {"program_id": other_program, "customer": customer}
    tea_number = shop.ok("POST", "/v1/cards", json=tea_card)["number"]
    preview = shop.preview(channels=["email"], message_text=TEXT, push_text=None)
    assert preview["channels"] == {"email": 1}
    rows = send(shop)
    assert sorted(by_address(shop, rows).values(), key=str) == sorted(
        [("sent", None), ("skipped", "no_email_consent"), ("skipped", "no_email")], key=str
    )
    assert by_address(shop, rows)[silent] == ("skipped", "no_email_consent")
    (mail,) = mail_server.to(subscriber)
    assert mail["Subject"] == "Back soon"
    assert mail["From"] == f"Mail Cafe <{MAIL_FROM}>"
    sent_row = next(row for row in rows if row.status == "sent")
    assert mail["Message-ID"] == f"<{sent_row.id}@cafe.example>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = mail["List-Unsubscribe"].strip("<>")
    link = one_click.removesuffix("/one-click")
    assert link != one_click
    assert link.startswith(shop.app.extensions["stampgate"].settings.public_url + "/u/")
    payload = base64.urlsafe_b64decode(link.rsplit("/", 1)[1].split(".")[0] + "==").decode()
    assert payload == f'"{sent_row.id}"'  # the message's opaque id: no customer, card, address
    assert mail.get_content_type() == "multipart/alternative"
    plain, rich = (part.get_content().replace("\r\n", "\n") for part in mail.iter_parts())
    assert plain.startswith(TEXT)
    assert link in plain
    assert "We miss you &lt;3" in rich
    menu = "https://cafe.example/menu?x=1&amp;y=2"
    assert f'<a href="{menu}">{menu}</a>. Come by!' in rich
    assert f'<a href="{link}">' in rich

    client = shop.app.test_client()
    path = urlsplit(one_click).path
    forged = client.post(path[:-2] + "xx", data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 404
    clicked = client.post(path, data={"List-Unsubscribe": "One-Click"})  # no CSRF token
    assert clicked.status_code == 200
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    cards = shop.ok("GET", "/v1/cards", query_string={"email": subscriber})["items"]
    assert len(cards) == 2  # the same customer's card of the other program stops too
    assert {card["customer"]["consent"]["email"]["status"] for card in cards} == {"unsubscribed"}
    assert tea_number in {card["number"] for card in cards}
    assert shop.preview(channels=["email"], message_text=TEXT, push_text=None)["channels"] == {
        "email": 0
    }
    again = send(shop, name="Second")
    assert by_address(shop, again)[subscriber] == ("skipped", "unsubscribed")
    assert len(mail_server.received) == 1


def test_refusals_are_recorded_per_message_and_deferrals_retried(
    make_app: Callable[..., Flask], mail_server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    login = mail_server.url.replace("smtp://", "smtp://news%40cafe.example:hunter2@")
    shop = mailing_shop(make_app, login, campaign_retry_schedule=(60,))
    unknown, full, busy, fine = (address(shop, shop.card(mail=True)) for _ in range(4))
    mail_server.at_rcpt[unknown] = [f"550 5.1.1 <{unknown}>: No such user here"]
    mail_server.at_data[full] = ["552 5.2.2 Mailbox full"]
    mail_server.at_rcpt[busy] = [f"451 4.3.0 {busy} greylisted, try again later"]
    rows = send(shop)
    outcomes = by_address(shop, rows)
    assert outcomes[unknown] == ("failed", "smtp 550 5.1.1 <address>: No such user here")
    assert outcomes[full] == ("failed", "smtp 552 5.2.2 Mailbox full")
    assert outcomes[busy] == ("pending", "smtp 451 4.3.0 <address> greylisted, try again later")
    assert outcomes[fine] == ("sent", None)
    deferred = next(row for row in rows if row.status == "pending")
    assert deferred.next_attempt_at > utcnow()
    listed = f"/v1/campaigns/{deferred.campaign_id}/messages"
    failed = shop.ok("GET", listed, query_string={"status": "failed", "channel": "email"})
    assert sorted((item["reason"], item["attempts"]) for item in failed["items"]) == [
        ("smtp 550 5.1.1 <address>: No such user here", 1),
        ("smtp 552 5.2.2 Mailbox full", 1),
    ]
    assert shop.ok("GET", listed, query_string={"channel": "wallet"})["items"] == []
    with shop.app.extensions["stampgate"].session_factory() as session:
        session.execute(update(CampaignMessage).values(next_attempt_at=utcnow()))
        session.commit()  # as if the retry's time had come
    drain_campaigns(shop.sender())
    retried = by_address(shop, messages(shop, deferred.campaign_id))
    assert retried[busy][0] == "sent"
    assert [len(mail_server.to(each)) for each in (unknown, full, busy, fine)] == [0, 0, 1, 1]
    assert set(mail_server.logins) == {("news@cafe.example", "hunter2")}
    ours = [record for record in caplog.records if not record.name.startswith("mail.")]
    deferred_logs = [r for r in ours if r.getMessage() == "campaign e-mail deferred"]
    assert [vars(record)["smtp_code"] for record in deferred_logs] == [451]
    assert not any("hunter2" in str(vars(record)) or busy in str(vars(record)) for record in ours)


def test_a_server_that_cannot_be_reached_is_retried_then_failed(
    make_app: Callable[..., Flask],
) -> None:
    shop = mailing_shop(make_app, f"smtp://user:hunter2@127.0.0.1:{free_port()}")
    shop.card(mail=True)
    sender = shop.sender()
    (row,) = send(shop)
    assert (row.status, row.reason) == ("pending", "smtp unreachable: ConnectionRefusedError")
    with shop.app.extensions["stampgate"].session_factory() as session:
        session.execute(update(CampaignMessage).values(attempts=3, next_attempt_at=utcnow()))
        session.commit()  # the schedule's last retry is due
    drain_campaigns(sender)
    (row,) = messages(shop, row.campaign_id)
    assert (row.status, row.reason) == ("failed", "smtp unreachable: ConnectionRefusedError")
    assert "hunter2" not in repr(sender.settings)


def test_the_unsubscribe_page_asks_first_and_the_card_page_shows_the_news(
    make_app: Callable[..., Flask], mail_server: MailServer
) -> None:
    shop = mailing_shop(make_app, mail_server.url)
    number = shop.card(mail=True)
    send(shop)
    (mail,) = mail_server.received
    page_link = mail["List-Unsubscribe"].strip("<>").removesuffix("/one-click")
    client = shop.app.test_client()
    card = shop.ok("GET", f"/v1/cards/{number}")
    card_page = client.get(urlsplit(card["customer_url"]).path).get_data(as_text=True)
    assert 'href="https://cafe.example/menu?x=1&amp;y=2"' in card_page
    assert "We miss you &lt;3" in card_page
    page = client.get(urlsplit(page_link).path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stop e-mail news from Mail Cafe?" in html
    assert client.post(urlsplit(page_link).path).status_code == 400  # no CSRF token
    assert shop.ok("GET", f"/v1/cards/{number}")["customer"]["consent"]["email"]["status"] == (
        "opted_in"
    )
    token = csrf_token(page)
    done = client.post(urlsplit(page_link).path, data={"csrf_token": token})
    assert "You are unsubscribed" in done.get_data(as_text=True)
    consent = shop.ok("GET", f"/v1/cards/{number}")["customer"]["consent"]["email"]
    assert consent["status"] == "unsubscribed"
    assert consent["unsubscribed_at"] is not None


def test_forged_unsubscribe_links_count_as_guesses(make_app: Callable[..., Flask]) -> None:
    client = make_app(limit_public_unknown_tokens="2/minute").test_client()
    forged = [
        client.post(
            f"/u/ImNtbV8wMDAwIg.forged{n}/one-click", data={"List-Unsubscribe": "One-Click"}
        )
        for n in range(3)
    ]
    assert [answer.status_code for answer in forged] == [404, 404, 429]


def test_a_customer_who_withdraws_after_planning_gets_nothing(
    make_app: Callable[..., Flask], mail_server: MailServer
) -> None:
    shop = mailing_shop(make_app, mail_server.url)
    number = shop.card(mail=True)
    body = {"channels": ["email"], "message_text": TEXT, "push_text": None}
    campaign = shop.create(**body)
    assert plan_campaign(shop.sender().sessions, campaign["id"]) == 1
    withdraw = {"email": {"granted": False, "source": "front desk"}}
    shop.ok("POST", f"/v1/cards/{number}/consent", json=withdraw)
    drain_campaigns(shop.sender())
    (row,) = messages(shop, campaign["id"])
    assert (row.status, row.reason) == ("skipped", "unsubscribed")
    assert mail_server.received == []
