"""A project's OAuth providers: set (client id, encrypted client secret, endpoint overrides, scopes),
list and remove; and the endpoints a flow uses, the overrides over the provider's built-in ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import MultiFernet
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.factors.oauth.models import OAuthProviderConfig
from keystile.factors.oauth.providers import Provider, provider
from keystile.factors.oauth.repository import ProviderConfigRepository
from keystile.ids import new_id
from keystile.projects.redirects import validate_redirect_url
from keystile.projects.service import get_project

CALLBACK_PATH = "/v1/public/oauth/callback/"


@dataclass(frozen=True)
class ProviderOptions:
    """What `keystile oauth providers set` was given; None: keep the built-in value."""

    client_id: str
    client_secret: str
    issuer: str | None = None
    authorize_url: str | None = None
    token_url: str | None = None
    userinfo_url: str | None = None
    scopes: str | None = None


@dataclass(frozen=True)
class Endpoints:
    """Where a flow with one project's client at one provider goes (OIDC: from the issuer's discovery
    document, which the client fetches)."""

    provider: Provider
    callback_id: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    issuer: str | None
    authorize_url: str | None
    token_url: str | None
    userinfo_url: str | None


def callback_url(public_url: str, callback_id: str) -> str:
    """The redirect URI to register at the provider for this configuration."""
    return f"{public_url.rstrip('/')}{CALLBACK_PATH}{callback_id}"


def _url(value: str | None) -> str | None:
    return None if value is None else validate_redirect_url(value)


def _check_overrides(spec: Provider, options: ProviderOptions) -> None:
    urls = (options.authorize_url, options.token_url, options.userinfo_url)
    if spec.oidc and any(url is not None for url in urls):
        raise KeystileError(
            "invalid_argument", f"{spec.name} is an OpenID Connect provider: override its --issuer instead."
        )
    if not spec.oidc and options.issuer is not None:
        raise KeystileError(
            "invalid_argument",
            f"{spec.name} has no OpenID Connect issuer: override its authorize, token and userinfo URLs.",
        )
    if not options.client_id or not options.client_secret:
        raise KeystileError("invalid_argument", "A client id and a client secret are required.")


async def set_provider(
    db: AsyncSession,
    cipher: MultiFernet,
    *,
    project_id: str,
    name: str,
    options: ProviderOptions,
    now: datetime,
) -> OAuthProviderConfig:
    """Create or replace the project's client at provider `name`."""
    spec = provider(name)
    project = await get_project(db, project_id)
    if project.vertical not in spec.verticals:
        raise KeystileError("invalid_argument", f"{spec.name} is not offered to {project.vertical} projects.")
    _check_overrides(spec, options)
    repo = ProviderConfigRepository(db, project_id)
    row = await repo.get(spec.name)
    if row is None:
        row = OAuthProviderConfig(
            callback_id=new_id("oauth-callback", project.environment),
            project_id=project_id,
            provider=spec.name,
            created_at=now,
        )
        db.add(row)
    row.client_id = options.client_id
    row.client_secret_encrypted = cipher.encrypt(options.client_secret.encode()).decode("ascii")
    row.issuer = _url(options.issuer)
    row.authorize_url = _url(options.authorize_url)
    row.token_url = _url(options.token_url)
    row.userinfo_url = _url(options.userinfo_url)
    row.scopes = " ".join(options.scopes.split()) if options.scopes else None
    row.updated_at = now
    await db.flush()
    return row


async def list_providers(db: AsyncSession, project_id: str) -> list[OAuthProviderConfig]:
    await get_project(db, project_id)
    return await ProviderConfigRepository(db, project_id).all()


async def remove_provider(db: AsyncSession, project_id: str, name: str) -> None:
    await get_project(db, project_id)
    if not await ProviderConfigRepository(db, project_id).remove(provider(name).name):
        raise KeystileError("oauth_config_not_found")


def scopes_of(row: OAuthProviderConfig, vertical: str) -> tuple[str, ...]:
    """The configured scopes, or the provider's defaults for a project of `vertical`."""
    return tuple(row.scopes.split()) if row.scopes else provider(row.provider).default_scopes(vertical)


def endpoints(row: OAuthProviderConfig, cipher: MultiFernet, vertical: str) -> Endpoints:
    """The configuration's endpoints (of a project of `vertical`): its overrides, else the provider's
    built-in ones."""
    spec = provider(row.provider)
    return Endpoints(
        provider=spec,
        callback_id=row.callback_id,
        client_id=row.client_id,
        client_secret=cipher.decrypt(row.client_secret_encrypted.encode()).decode(),
        scopes=scopes_of(row, vertical),
        issuer=row.issuer or spec.issuer,
        authorize_url=row.authorize_url or spec.authorize_url,
        token_url=row.token_url or spec.token_url,
        userinfo_url=row.userinfo_url or spec.userinfo_url,
    )
