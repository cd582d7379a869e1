"""Helpers for B2B tests: organization-shaped addresses, links by type, and member sessions obtained
the way an app obtains them (an emailed magic link)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import stytch
from stytch.core.response_base import StytchError

from tests.support.magic_links import received_link, token_of
from tests.support.smtp_sink import SmtpSink

DISCOVERY = "discovery"
ORGANIZATION_LINK = "multi_tenant_magic_links"
# Sends to one address are limited to one per second.
SEND_INTERVAL = 1.2


def new_domain(label: str = "acme") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}.example.com"


def error_of(call: Any) -> Any:
    """The `details` of the StytchError that `call()` raises."""
    with pytest.raises(StytchError) as caught:
        call()
    return caught.value.details


class Mailbox:
    """Sends through the SDK and reads the links that arrive, keeping to the per-address send limit."""

    def __init__(self, client: stytch.B2BClient, sink: SmtpSink) -> None:
        self.client = client
        self.sink = sink
        self.last_send: dict[str, float] = {}

    def wait_turn(self, email: str) -> None:
        """Wait until `email` may be sent to again, and count the send that follows."""
        elapsed = time.monotonic() - self.last_send.get(email, 0.0)
        if elapsed < SEND_INTERVAL:
            time.sleep(SEND_INTERVAL - elapsed)
        self.sent(email)

    def sent(self, email: str) -> None:
        """Note a send to `email` made directly through the client."""
        self.last_send[email] = time.monotonic()

    def token(self, email: str, token_type: str = ORGANIZATION_LINK) -> str:
        """The token of the next link mailed to `email`."""
        return token_of(received_link(self.sink, email), token_type)

    def discovery_token(self, email: str) -> str:
        self.wait_turn(email)
        self.client.magic_links.email.discovery.send(email_address=email)
        return self.token(email, DISCOVERY)

    def discover(self, email: str) -> Any:
        """Discovery send, then authenticate the link: the intermediate session and organizations."""
        return self.client.magic_links.discovery.authenticate(
            discovery_magic_links_token=self.discovery_token(email)
        )

    def login_token(self, organization_id: str, email: str) -> str:
        self.wait_turn(email)
        self.client.magic_links.email.login_or_signup(organization_id=organization_id, email_address=email)
        return self.token(email)

    def log_in(self, organization_id: str, email: str) -> Any:
        """login_or_signup, then authenticate the link: a member session in the organization."""
        token = self.login_token(organization_id, email)
        return self.client.magic_links.authenticate(magic_links_token=token)


def jit_organization(client: stytch.B2BClient, domain: str, **settings: Any) -> str:
    """An organization that lets anyone of `domain` in by email, with further `settings`."""
    created = client.organizations.create(
        organization_name=domain,
        email_jit_provisioning="RESTRICTED",
        email_allowed_domains=[domain],
        **settings,
    )
    return str(created.organization.organization_id)


def factor_types(answer: Any) -> list[str]:
    """`type/delivery_method` of each factor of the answer's member session."""
    return [f"{f.type.value}/{f.delivery_method.value}" for f in answer.member_session.authentication_factors]
