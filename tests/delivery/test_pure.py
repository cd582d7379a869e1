"""Pure parts of delivery: templates, backoff, SMTP URLs, link finding."""

from __future__ import annotations

from datetime import timedelta

import pytest

from keystile.delivery.dev_inbox import find_links
from keystile.delivery.smtp import SmtpServer
from keystile.delivery.templates import EMAIL_TEMPLATES, duration, render_email
from keystile.delivery.worker import BACKOFF_CAP, retry_delay

LINK = "https://app.example/authenticate?token=t0k&type=login"


@pytest.mark.parametrize("template", EMAIL_TEMPLATES)
def test_every_template_renders_with_and_without_a_project_name(template: str) -> None:
    anonymous = render_email(template, {"link": LINK, "expiration_minutes": 60})
    named = render_email(template, {"link": LINK, "expiration_minutes": 60, "project_name": "Acme"})
    assert "Acme" not in anonymous.subject + anonymous.body_text + anonymous.body_html
    assert "Acme" in named.subject
    for email in (anonymous, named):
        assert "\n" not in email.subject
        assert LINK in email.body_text
        assert "1 hour" in email.body_text
        assert 'href="https://app.example/authenticate?token=t0k&amp;type=login"' in email.body_html


def test_html_is_escaped_and_text_is_not() -> None:
    email = render_email("invite", {"link": LINK, "expiration_minutes": 5, "project_name": "<b>A&B</b>"})
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in email.body_html
    assert "<b>A&B</b>" not in email.body_html
    assert "<b>A&B</b>" in email.body_text


def test_a_missing_link_or_template_is_an_error() -> None:
    with pytest.raises(Exception, match="link"):
        render_email("login", {"expiration_minutes": 60})
    with pytest.raises(ValueError, match="unknown email template"):
        render_email("welcome", {"link": LINK, "expiration_minutes": 60})


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(1, "1 minute"), (90, "90 minutes"), (60, "1 hour"), (120, "2 hours"), (10080, "7 days")],
)
def test_durations_use_the_largest_exact_unit(minutes: int, text: str) -> None:
    assert duration(minutes) == text


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert retry_delay(9).total_seconds() == 256
    assert retry_delay(10) == BACKOFF_CAP == timedelta(minutes=5)
    assert retry_delay(10_000) == BACKOFF_CAP


def test_smtp_urls() -> None:
    plain = SmtpServer.from_url("smtp://mail.example:2525")
    assert (plain.hostname, plain.port, plain.username, plain.implicit_tls) == (
        "mail.example",
        2525,
        None,
        False,
    )
    tls = SmtpServer.from_url("smtps://me%40example.com:p%3Ass@mail.example")
    assert (tls.port, tls.username, tls.password, tls.implicit_tls) == (465, "me@example.com", "p:ss", True)
    assert SmtpServer.from_url("smtp://mail.example").port == 25
    with pytest.raises(ValueError) as refused:
        SmtpServer.from_url("http://user:hunter2@mail.example")
    assert "hunter2" not in str(refused.value)


def test_links_are_found_in_order() -> None:
    text = f"Open {LINK}\nor http://localhost:3000/x?y=1 (not ftp://nope)."
    assert find_links(text) == [LINK, "http://localhost:3000/x?y=1"]
