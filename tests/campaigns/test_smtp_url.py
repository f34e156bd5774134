"""``STAMPGATE_SMTP_URL``: how each form connects, and that its password stays out of sight."""

from __future__ import annotations

import pytest

from gateway.campaigns.smtp import parse_smtp_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.local", ("relay.local", 25, False, False, None, None)),
        (
            "smtp://news%40cafe.example:p%3Ass@mail.example:587?starttls=true",
            ("mail.example", 587, False, True, "news@cafe.example", "p:ss"),
        ),
        ("smtps://u:pw@mail.example", ("mail.example", 465, True, False, "u", "pw")),
        (
            "smtps://u:pw@mail.example:2465?starttls=true",
            ("mail.example", 2465, True, False, "u", "pw"),
        ),
    ],
)
def test_each_url_form_names_its_connection(url: str, expected: tuple[object, ...]) -> None:
    server = parse_smtp_url(url)
    got = (server.host, server.port, server.implicit_tls, server.starttls)
    assert (*got, server.username, server.password) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example", "smtp://", "smtp://u:secret@mail.example:port", "mail.example"]
)
def test_a_url_naming_no_server_is_refused_without_repeating_it(url: str) -> None:
    with pytest.raises(ValueError, match="must look like") as refused:
        parse_smtp_url(url)
    assert "secret" not in str(refused.value)


def test_the_password_is_not_in_the_repr() -> None:
    assert "hunter2" not in repr(parse_smtp_url("smtp://user:hunter2@mail.example"))
