"""The pure rules of M2M: imported-secret strength, scope narrowing, and the claims template."""

from __future__ import annotations

import secrets
import string
from typing import Any

import pytest

from keystile.errors import KeystileError
from keystile.m2m.access_tokens import check_scopes, granted_scopes
from keystile.m2m.claims import check_template, render_claims
from keystile.m2m.secrets import check_imported_secret, secret_digest, secret_matches

CLIENT = {
    "client_id": "m2m-client-test-1",
    "client_name": "billing",
    "client_description": "",
    "scopes": ["read:users"],
    "trusted_metadata": {"role": "auditor", "org": {"id": 7, "tags": ["a"]}},
}


@pytest.mark.parametrize(
    "secret",
    [
        secrets.token_urlsafe(32),  # keystile's own
        secrets.token_hex(16),  # 32 hex digits
        "x9!Kq2#Lm7$Pz4@Vb8%Tn",  # 21 varied characters
        "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(64)),  # Auth0's
    ],
    # Ids by shape, not value: random values would differ between xdist workers' collections.
    ids=["token_urlsafe", "token_hex", "varied_21", "auth0_64"],
)
def test_strong_imported_secrets_are_accepted(secret: str) -> None:
    assert check_imported_secret(secret) == secret


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "short",
        "12345678",
        "password",
        "Password1",
        "abcdabcdabcdabcdabcdabcd",
        "Summer2024!Summer2024!",
        "x9!Kq2#Lm7$Pz",
        "a" * 256,
        "tab\tsecret-1234567",
        "é" * 40,
        "s" * 257,
    ],
)
def test_weak_or_malformed_imported_secrets_are_refused(secret: str) -> None:
    with pytest.raises(KeystileError) as refused:
        check_imported_secret(secret)
    assert refused.value.error_type == "m2m_client_invalid_client_secret"


def test_secret_matches_current_or_next_digest_only() -> None:
    current, upcoming = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    assert secret_matches(current, secret_digest(current), None)
    assert secret_matches(upcoming, secret_digest(current), secret_digest(upcoming))
    assert not secret_matches(current + "x", secret_digest(current), secret_digest(upcoming))
    assert not secret_matches(current, None, None)


def test_scopes_are_scope_tokens_without_repeats() -> None:
    assert check_scopes(["read:users", "*:users", "read:users"]) == ["read:users", "*:users"]
    for bad in (["a b"], ['a"'], ["a\\b"], [""], ["é"], ["s" * 129], [f"s{i}" for i in range(101)]):
        with pytest.raises(KeystileError) as refused:
            check_scopes(bad)
        assert refused.value.error_type == "invalid_m2m_client_scope"


@pytest.mark.parametrize(
    ("requested", "granted"),
    [
        (None, ["a", "b:c"]),
        ("", ["a", "b:c"]),
        ("  ", ["a", "b:c"]),
        ("b:c", ["b:c"]),
        ("b:c  a b:c", ["b:c", "a"]),
    ],
)
def test_requested_scopes_narrow_the_grant(requested: str | None, granted: list[str]) -> None:
    assert granted_scopes(["a", "b:c"], requested) == granted


@pytest.mark.parametrize("requested", ["admin", "a admin", "b:*", "A", "a\tb:c"])
def test_scopes_beyond_the_client_are_refused(requested: str) -> None:
    with pytest.raises(KeystileError) as refused:
        granted_scopes(["a", "b:c"], requested)
    assert refused.value.error_type == "invalid_scope"


def test_template_placeholders_become_values() -> None:
    template = check_template(
        '{"role": {{ client.trusted_metadata.role }}, "org": {"id": {{client.trusted_metadata.org.id}},'
        ' "tags": [{{ client.trusted_metadata.org.tags }}, 1]}, "who": {{ client.client_id }},'
        ' "user": {{ request.user.id }}, "missing": {{ request.nothing }}, "literal": "{ x }"}'
    )
    claims = render_claims(template, client=CLIENT, request={"user": {"id": 42}})
    assert claims == {
        "role": "auditor",
        "org": {"id": 7, "tags": [["a"], 1]},
        "who": "m2m-client-test-1",
        "user": 42,
        "literal": "{ x }",
    }


def test_request_values_cannot_forge_structure() -> None:
    template = check_template('{"user": {{ request.user_id }}}')
    forged = '1, "sub": "admin"'
    assert render_claims(template, client=CLIENT, request={"user_id": forged}) == {"user": forged}


@pytest.mark.parametrize(
    "template",
    [
        '{"a": "{{ client.client_id }}"}',  # inside a string
        "{ {{ client.client_id }}: 1}",  # as a key
        '{"a": {{ client.secret_digest }}}',
        '{"a": {{ project.secret }}}',
        '{"a": {{ client }}}',
        '{"iss": 1}',
        '{"scope": "x"}',
        '{"https://stytch.com/organization": {}}',
        "[]",
        "not json",
        '{"a": "' + "x" * 5000 + '"}',
    ],
)
def test_bad_templates_are_refused(template: str) -> None:
    with pytest.raises(KeystileError) as refused:
        check_template(template)
    assert refused.value.error_type == "invalid_claims_template"


def test_rendered_claims_are_capped() -> None:
    template = check_template('{"blob": {{ request.blob }}}')
    request: dict[str, Any] = {"blob": "x" * 5000}
    with pytest.raises(KeystileError) as refused:
        render_claims(template, client=CLIENT, request=request)
    assert refused.value.error_type == "invalid_request"
