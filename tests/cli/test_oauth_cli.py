"""`keystile oauth providers set|list|remove` through the real CLI on the test server's database:
client secrets encrypted at rest and never printed, OIDC issuers and OAuth 2.0 URLs as overrides."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.factors.oauth.models import OAuthProviderConfig
from tests.support.server import KeystileServer, Project

SECRET = "client-secret-that-must-not-leak"


def providers(server: KeystileServer, project: Project) -> list[dict[str, Any]]:
    listed = server.cli_json("oauth", "providers", "list", "--project", project.project_id, "--json")
    assert isinstance(listed, list)
    return listed


def stored(server: KeystileServer, project: Project) -> list[OAuthProviderConfig]:
    async def rows(db: AsyncSession) -> list[OAuthProviderConfig]:
        found = await db.scalars(
            select(OAuthProviderConfig).where(OAuthProviderConfig.project_id == project.project_id)
        )
        return list(found.all())

    return run_in_transaction(Settings(database_url=server.database_url), rows)


def test_set_list_remove(server: KeystileServer, project: Project) -> None:
    google = server.cli_json(
        "oauth", "providers", "set", "--project", project.project_id, "--provider", "Google",
        "--client-id", "google-client", "--client-secret", SECRET,
        "--issuer", "http://localhost:9400", "--json",
    )  # fmt: skip
    github = server.cli(
        "oauth", "providers", "set", "--project", project.project_id, "--provider", "github",
        "--client-id", "gh-client", "--client-secret", SECRET, "--scopes", "read:user  user:email",
        "--authorize-url", "http://127.0.0.1:9500/login/oauth/authorize",
        "--token-url", "http://127.0.0.1:9500/login/oauth/access_token",
        "--userinfo-url", "http://127.0.0.1:9500/user",
    )  # fmt: skip
    assert github.returncode == 0, github.stderr
    assert "/v1/public/oauth/callback/oauth-callback-test-" in github.stderr
    assert isinstance(google, dict)
    assert google["provider"] == "google"
    assert google["issuer"] == "http://localhost:9400"
    assert google["scopes"] == ["openid", "email", "profile"]
    assert google["callback_url"].startswith("http://127.0.0.1:8000/v1/public/oauth/callback/oauth-callback-")

    listed = providers(server, project)
    assert [item["provider"] for item in listed] == ["github", "google"]
    assert listed[0]["scopes"] == ["read:user", "user:email"]
    assert listed[0]["userinfo_url"] == "http://127.0.0.1:9500/user"
    assert SECRET not in repr(listed) and SECRET not in github.stdout + github.stderr

    cipher = Fernet(server.extra_env["KEYSTILE_ENCRYPTION_KEY"].encode())
    for row in stored(server, project):
        assert SECRET not in row.client_secret_encrypted
        assert cipher.decrypt(row.client_secret_encrypted.encode()).decode() == SECRET

    # Setting again replaces the client and keeps the callback URL the provider knows.
    again = server.cli_json(
        "oauth", "providers", "set", "--project", project.project_id, "--provider", "google",
        "--client-id", "google-client-2", "--client-secret", "other", "--json",
    )  # fmt: skip
    assert isinstance(again, dict)
    assert again["callback_url"] == google["callback_url"]
    assert again["client_id"] == "google-client-2" and again["issuer"] is None

    removed = server.cli(
        "oauth", "providers", "remove", "--project", project.project_id, "--provider", "github"
    )
    assert removed.returncode == 0, removed.stderr
    assert [item["provider"] for item in providers(server, project)] == ["google"]
    again_removed = server.cli(
        "oauth", "providers", "remove", "--project", project.project_id, "--provider", "github"
    )
    assert again_removed.returncode == 1 and "oauth_config_not_found" in again_removed.stderr


def test_refusals(server: KeystileServer, project: Project) -> None:
    def refused(*args: str) -> str:
        done = server.cli(
            "oauth", "providers", "set", "--project", project.project_id,
            "--client-id", "id", "--client-secret", SECRET, *args,
        )  # fmt: skip
        assert done.returncode == 1, done.stdout
        assert SECRET not in done.stderr
        return done.stderr

    assert "invalid_oauth_provider" in refused("--provider", "myspace")
    # An OIDC provider is overridden by its issuer; a plain OAuth 2.0 one by its URLs.
    assert "invalid_argument" in refused("--provider", "google", "--token-url", "http://127.0.0.1:1/t")
    assert "invalid_argument" in refused("--provider", "github", "--issuer", "http://127.0.0.1:1")
    assert "invalid_argument" in refused("--provider", "github", "--token-url", "javascript:alert(1)")
    # HubSpot is a B2B provider only.
    assert "invalid_argument" in refused("--provider", "hubspot")
    assert providers(server, project) == []
