"""A project's frontend SDK settings (`/sdk/v1`): whether the SDK is on, the origins it answers, the
methods it refuses; and the checks every SDK request passes before anything runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.projects.domains import canonical_origin
from keystile.projects.models import Project
from keystile.projects.repository import ProjectRepository
from keystile.projects.service import TEST, get_project, project_by_public_token, resolve_redirect_url

# What the SDK configuration can forbid, as Stytch's dashboard does product by product; `create_users`
# covers the calls that may create a user (login_or_create, passwords.create). Sessions are always on.
SDK_METHODS: Final = ("magic_links", "otps", "passwords", "biometrics", "users", "create_users")


@dataclass(frozen=True)
class HostedLogin:
    """What the hosted login page mounts Stytch's pre-built UI with: the project, and where its email
    magic links send the user (the app's allowlisted URLs, whose backend authenticates the token), as
    the UI's `emailMagicLinksOptions` name them."""

    project_name: str
    public_token: str
    vertical: str
    email_magic_links_options: dict[str, str]


@dataclass(frozen=True)
class SdkSettings:
    enabled: bool
    authorized_domains: tuple[str, ...]
    forbidden_methods: tuple[str, ...]


def settings_of(project: Project) -> SdkSettings:
    return SdkSettings(
        enabled=bool(project.sdk_enabled),
        authorized_domains=tuple(project.sdk_authorized_domains or ()),
        forbidden_methods=tuple(project.sdk_forbidden_methods or ()),
    )


def _known_methods(methods: Iterable[str]) -> list[str]:
    unknown = sorted(set(methods) - set(SDK_METHODS))
    if unknown:
        raise KeystileError(
            "invalid_argument", f"Unknown SDK methods {unknown}; known: {', '.join(SDK_METHODS)}."
        )
    return list(methods)


async def configure_sdk(
    db: AsyncSession,
    project_id: str,
    *,
    enabled: bool | None = None,
    add_domains: Iterable[str] = (),
    remove_domains: Iterable[str] = (),
    forbid: Iterable[str] = (),
    allow: Iterable[str] = (),
) -> SdkSettings:
    """The project's SDK settings with these changes applied and stored: domains are origins
    (`https://app.example.com`, `http://localhost:3000` in test projects), kept in the order added."""
    project = await get_project(db, project_id)
    test_project = project.environment == TEST
    what = "SDK authorized domain"
    added = [canonical_origin(value, test_project=test_project, what=what) for value in add_domains]
    removed = {canonical_origin(value, test_project=test_project, what=what) for value in remove_domains}
    domains = [
        d for d in dict.fromkeys([*(project.sdk_authorized_domains or ()), *added]) if d not in removed
    ]
    allowed = set(_known_methods(allow))
    forbidden = set(project.sdk_forbidden_methods or ()) - allowed | set(_known_methods(forbid))
    if enabled is not None:
        project.sdk_enabled = enabled
    project.sdk_authorized_domains = domains
    project.sdk_forbidden_methods = [method for method in SDK_METHODS if method in forbidden]
    await db.flush()
    return settings_of(project)


async def sdk_settings(db: AsyncSession, project_id: str) -> SdkSettings:
    return settings_of(await get_project(db, project_id))


async def authorized_origins(db: AsyncSession) -> frozenset[str]:
    """Every origin some project's enabled SDK answers: what a CORS preflight, which carries no
    public token, may be allowed for."""
    return frozenset(
        origin
        for project in await ProjectRepository(db).sdk_enabled()
        for origin in settings_of(project).authorized_domains
    )


async def sdk_project(
    db: AsyncSession, public_token: str, origin: str | None, *, same_origin: bool = False
) -> Project:
    """The project whose public token an SDK request carries, once the request's `Origin` is one of
    its authorized domains, or the request comes from keystile's own hosted login page (`same_origin`);
    `bad_domain_for_stytch_sdk` otherwise."""
    project = await project_by_public_token(db, public_token)
    if same_origin:
        return project
    if origin is None or origin.lower() not in settings_of(project).authorized_domains:
        raise KeystileError("bad_domain_for_stytch_sdk")
    return project


def check_sdk_method(project: Project, methods: Iterable[str]) -> None:
    """Refuses (`endpoint_not_authorized_for_sdk`) an SDK call when the project's SDK is off, or when
    it forbids one of `methods`, the products the call uses."""
    settings = settings_of(project)
    if not settings.enabled:
        raise KeystileError(
            "endpoint_not_authorized_for_sdk",
            "The frontend SDK is not enabled for this project (keystile projects sdk --enable).",
        )
    forbidden = [method for method in methods if method in settings.forbidden_methods]
    if forbidden:
        raise KeystileError(
            "endpoint_not_authorized_for_sdk",
            f"The project's SDK configuration does not allow {', '.join(forbidden)} (keystile projects sdk).",
        )


async def hosted_login(db: AsyncSession, public_token: str, redirect_url: str | None) -> HostedLogin:
    """The hosted login page of the project of `public_token`: its SDK on with email magic links
    allowed, the links pointing at `redirect_url` (the project's default when None), which must be on
    the project's allowlist: for login and signup (consumer), or for discovery (B2B)."""
    project = await project_by_public_token(db, public_token)
    check_sdk_method(project, ("magic_links",))

    async def allowed(url_type: str) -> str:
        return await resolve_redirect_url(db, project.project_id, url_type, redirect_url)

    if project.vertical == "b2b":
        options = {"discoveryRedirectURL": await allowed("discovery")}
    else:
        options = {"loginRedirectURL": await allowed("login"), "signupRedirectURL": await allowed("signup")}
    return HostedLogin(project.name, public_token, project.vertical, options)
