"""The WebAuthn origin allowlist's rules: bare domains mean https, http only for localhost in test
projects, no IPs, paths or credentials; a domain's origins are its own and its subdomains'."""

from __future__ import annotations

import pytest

from keystile.errors import KeystileError
from keystile.projects.domains import canonical_origin, origins_for


@pytest.mark.parametrize(
    ("given", "test_project", "origin"),
    [
        ("example.com", False, "https://example.com"),
        ("HTTPS://App.Example.com:8443/", False, "https://app.example.com:8443"),
        ("http://localhost:3000", True, "http://localhost:3000"),
        ("localhost", True, "https://localhost"),
    ],
)
def test_allowed_origins_are_canonical(given: str, test_project: bool, origin: str) -> None:
    assert canonical_origin(given, test_project=test_project) == origin


@pytest.mark.parametrize(
    ("given", "test_project"),
    [
        ("http://localhost:3000", False),  # http only in test projects
        ("http://example.com", True),  # and only for localhost
        ("https://127.0.0.1", True),  # an RP id is a domain name, never an IP address
        ("https://example.com/login", False),
        ("https://user:pw@example.com", False),
        ("https://example.com?x=1", False),
        ("ftp://example.com", False),
        ("exa mple.com", False),
        ("", False),
    ],
)
def test_other_origins_are_refused(given: str, test_project: bool) -> None:
    with pytest.raises(KeystileError) as refused:
        canonical_origin(given, test_project=test_project)
    assert refused.value.error_type == "invalid_argument"


def test_a_domain_serves_its_own_origins_and_its_subdomains() -> None:
    allowed = [
        "https://example.com",
        "https://app.example.com:8443",
        "https://notexample.com",
        "http://localhost:3000",
    ]
    assert origins_for("example.com", allowed, test_project=False) == allowed[:2]
    assert origins_for("app.example.com", allowed, test_project=False) == ["https://app.example.com:8443"]
    assert origins_for("localhost", allowed, test_project=True) == ["http://localhost:3000"]
    # An http origin left in a project that is no longer a test one serves nothing.
    assert origins_for("localhost", allowed, test_project=False) == []
    assert origins_for("evil.com/x", allowed, test_project=False) == []
