"""Info (email bombing): besides one email per second per address and kind, a project sends at most
`KEYSTILE_RATE_LIMIT_EMAILS_PER_ADDRESS_PER_HOUR` emails an hour to one address, whatever sends them."""

from __future__ import annotations

import time

from tests.hardening.conftest import StartServer
from tests.support.limits import assert_retry_after, assert_stytch_error, call
from tests.support.magic_links import new_address
from tests.support.smtp_sink import SmtpSink

MAGIC_LINK = "/v1/magic_links/email/login_or_create"
OTP = "/v1/otps/email/login_or_create"


def test_i_email_bombing_is_capped_per_address_and_hour(
    database_url: str, start_server: StartServer, smtp_sink: SmtpSink
) -> None:
    server = start_server(
        database_url, KEYSTILE_SMTP_URL=smtp_sink.url, KEYSTILE_RATE_LIMIT_EMAILS_PER_ADDRESS_PER_HOUR="3"
    )
    project, other_project = server.create_project(), server.create_project()
    victim = new_address("bombed")
    # Three emails by two kinds of send (each kind has its own one-per-second slot).
    assert call(server, project, MAGIC_LINK, {"email": victim}).status_code == 200
    assert call(server, project, OTP, {"email": victim}).status_code == 200
    time.sleep(1.2)
    assert call(server, project, MAGIC_LINK, {"email": victim}).status_code == 200
    time.sleep(1.2)
    for path in (MAGIC_LINK, OTP):
        refused = call(server, project, path, {"email": victim})
        assert_stytch_error(refused, 429, "too_many_requests")
        assert_retry_after(refused, 3600)
    for _ in range(3):
        smtp_sink.wait_for(victim)
    time.sleep(0.5)
    assert len(smtp_sink.received(victim)) == 3

    # Other addresses, and the same address in another project, are not affected.
    assert call(server, project, MAGIC_LINK, {"email": new_address("bystander")}).status_code == 200
    assert call(server, other_project, MAGIC_LINK, {"email": victim}).status_code == 200
