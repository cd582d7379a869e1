"""The provider table: Stytch's full list, each with real https endpoints or an OIDC issuer."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from keystile.errors import KeystileError
from keystile.factors.oauth.providers import PROVIDERS, provider, value_at

CONSUMER = {
    "amazon", "apple", "bitbucket", "coinbase", "discord", "facebook", "figma", "github", "gitlab",
    "google", "linkedin", "microsoft", "salesforce", "slack", "snapchat", "tiktok", "twitch",
    "twitter", "yahoo",
}  # fmt: skip
B2B = {"google", "microsoft", "github", "hubspot", "slack"}


def test_stytch_list_of_providers() -> None:
    assert {name for name, p in PROVIDERS.items() if "consumer" in p.verticals} == CONSUMER
    assert {name for name, p in PROVIDERS.items() if "b2b" in p.verticals} == B2B


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_real_endpoints(name: str) -> None:
    spec = PROVIDERS[name]
    urls = [spec.issuer] if spec.oidc else [spec.authorize_url, spec.token_url, spec.userinfo_url]
    for url in urls:
        assert url is not None and urlsplit(url).scheme == "https" and urlsplit(url).netloc
    assert spec.scopes


def test_lookup() -> None:
    assert provider("GitHub").name == "github"
    assert provider("x").name == "twitter"
    with pytest.raises(KeystileError) as refused:
        provider("myspace")
    assert refused.value.error_type == "invalid_oauth_provider"


def test_value_at() -> None:
    profile = {"data": {"me": {"externalId": "abc"}}, "id": 7}
    assert value_at(profile, "data.me.externalId") == "abc"
    assert value_at(profile, "id") == 7
    assert value_at(profile, "data.missing.deeper") is None
    assert value_at(profile, None) is None
