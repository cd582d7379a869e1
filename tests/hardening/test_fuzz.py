"""Schemathesis against keystile's own `/openapi.json` on a running server (SQLite): no input makes
it answer 5xx, and every error is Stytch's error JSON (RFC 6749's on the OAuth endpoints, RFC 7644's
on the SCIM service)."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import response_schema_conformance

from tests.hardening.conftest import ENCRYPTION_KEY
from tests.support.databases import fresh_database
from tests.support.server import KeystileServer

# Examples per operation: the whole run stays within about two minutes on two cores.
EXAMPLES = 15
ERROR_FIELDS = {"status_code", "request_id", "error_type", "error_message", "error_url"}
OAUTH_ERROR_FIELDS = {"status_code", "request_id", "error", "error_description"}
SCIM_ERROR_FIELDS = {"schemas", "status", "detail"}
SCIM_SERVICE = "/v1/b2b/scim/{connection_id}/"


@pytest.fixture(scope="module")
def fuzzed(run_dir: Path) -> Iterator[tuple[KeystileServer, dict[str, str]]]:
    url = fresh_database("sqlite", f"keystile_fuzz{os.getpid()}", run_dir)
    server = KeystileServer(
        url, run_dir / "fuzz.log", extra_env={"KEYSTILE_ENCRYPTION_KEY": ENCRYPTION_KEY}
    ).start()
    project = server.create_project()
    credentials = base64.b64encode(f"{project.project_id}:{project.secret}".encode()).decode()
    yield server, {"Authorization": f"Basic {credentials}"}
    server.stop()


def _check(case: schemathesis.Case, base_url: str, auth: dict[str, str]) -> None:
    response = case.call(base_url=base_url, headers=auth)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
    if response.status_code < 400:
        case.validate_response(response, checks=[response_schema_conformance])
    else:
        body = response.json()
        if case.path.startswith(SCIM_SERVICE):  # the SCIM 2.0 service answers RFC 7644 Error messages
            assert SCIM_ERROR_FIELDS <= set(body), body
            assert body["status"] == str(response.status_code), body
            return
        # The OAuth token endpoint answers in RFC 6749's error shape, as Stytch's does.
        expected = OAUTH_ERROR_FIELDS if "/oauth2/" in case.path else ERROR_FIELDS
        assert expected <= set(body), body
        assert body["status_code"] == response.status_code, body


def test_no_input_gets_a_5xx_and_every_error_is_stytch_shaped(
    fuzzed: tuple[KeystileServer, dict[str, str]],
) -> None:
    server, auth = fuzzed
    base_url = server.base_url.rstrip("/")
    api = schemathesis.openapi.from_url(f"{server.base_url}openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 50
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def fuzz(case: schemathesis.Case) -> None:
            _check(case, base_url, auth)

        try:
            fuzz()
        except AssertionError as error:
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n".join(failures)
