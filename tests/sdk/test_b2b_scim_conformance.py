"""scim2-tester, the RFC 7643/7644 compliance checker, run against a fresh SCIM connection: every
check it makes (discovery, CRUD, filters, PATCH add/replace/remove, unknown URLs) passes."""

from __future__ import annotations

import httpx
import stytch
from scim2_tester import Status, check_server

from tests.support.scim import connection
from tests.support.scim_client import HttpxSCIMClient
from tests.support.server import KeystileServer


def test_scim2_tester_finds_no_failure(b2b_client: stytch.B2BClient, server: KeystileServer) -> None:
    _, base_url, token = connection(b2b_client, server)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url + "/", headers=headers, timeout=30) as http:
        results = check_server(HttpxSCIMClient(http))
    failed = [
        f"{result.resource_type or ''} {result.title}: {result.reason}"
        for result in results
        if result.status in (Status.ERROR, Status.CRITICAL)
    ]
    assert results and not failed, "\n".join(failed)
