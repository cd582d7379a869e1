"""Use cases for projects: create, list, rotate secrets, manage the redirect-URL allowlist."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import ErrorType, KeystileError
from keystile.ids import new_id
from keystile.projects.domains import canonical_origin, origins_for
from keystile.projects.models import Project, ProjectSecret, RedirectURL, WebAuthnOrigin
from keystile.projects.redirects import (
    URL_TYPES,
    url_digest,
    validate_redirect_url,
    validate_url_types,
)
from keystile.projects.repository import ProjectRepository, RedirectURLRepository, WebAuthnOriginRepository
from keystile.projects.secrets import new_public_token, new_secret, secret_digest
from keystile.text import has_control_characters

VERTICALS = ("consumer", "b2b")
# Stytch's environments: ids and secrets carry them, and only a test project answers the sandbox values.
LIVE, TEST = "live", "test"
ENVIRONMENTS = (LIVE, TEST)
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class CreatedProject:
    """A new project with the one plaintext secret that will ever be shown."""

    project: Project
    secret_id: str
    secret: str


@dataclass(frozen=True)
class CreatedSecret:
    secret_id: str
    secret: str


async def create_project(
    session: AsyncSession,
    *,
    name: str,
    vertical: str,
    redirect_urls: list[str],
    now: datetime,
    environment: str = LIVE,
) -> CreatedProject:
    """Create a project with one secret (a live project unless asked otherwise); each redirect URL is
    allowed for every type, and the first one is the default for each type."""
    if vertical not in VERTICALS:
        raise KeystileError("invalid_argument", f"vertical must be one of {', '.join(VERTICALS)}.")
    if environment not in ENVIRONMENTS:
        raise KeystileError("invalid_argument", f"environment must be one of {', '.join(ENVIRONMENTS)}.")
    if not 0 < len(name) <= MAX_NAME_LENGTH or has_control_characters(name):
        raise KeystileError(
            "invalid_argument",
            f"Project name must be 1 to {MAX_NAME_LENGTH} characters without control characters.",
        )
    project = Project(
        project_id=new_id("project", environment),
        name=name,
        vertical=vertical,
        environment=environment,
        public_token=new_public_token(environment),
        created_at=now,
    )
    session.add(project)
    created = _add_secret(session, project, now)
    for position, url in enumerate(redirect_urls):
        await add_redirect_url(
            session,
            project.project_id,
            url,
            list(URL_TYPES),
            is_default=position == 0,
            now=now,
            check_project=False,
        )
    return CreatedProject(project=project, secret_id=created.secret_id, secret=created.secret)


async def list_projects(session: AsyncSession) -> list[Project]:
    return await ProjectRepository(session).all()


async def get_project(session: AsyncSession, project_id: str) -> Project:
    project = await ProjectRepository(session).get(project_id)
    if project is None:
        raise KeystileError("project_not_found")
    return project


async def project_by_public_token(session: AsyncSession, public_token: str | None) -> Project:
    """The project a browser-facing (`/v1/public/…`) request names by its public token; a 401 when
    no project has it."""
    project = await ProjectRepository(session).by_public_token(public_token) if public_token else None
    if project is None:
        raise KeystileError("unauthorized_credentials", "The public_token is not a project's.")
    return project


async def count_projects(session: AsyncSession) -> int:
    return await ProjectRepository(session).count()


async def create_secret(session: AsyncSession, project_id: str, *, now: datetime) -> CreatedSecret:
    """Add a secret; older ones stay valid until deleted, so secrets rotate without downtime."""
    return _add_secret(session, await get_project(session, project_id), now)


def _add_secret(session: AsyncSession, project: Project, now: datetime) -> CreatedSecret:
    plaintext = new_secret(project.environment)
    row = ProjectSecret(
        secret_id=new_id("secret", project.environment),
        project_id=project.project_id,
        digest=secret_digest(plaintext),
        last_four=plaintext[-4:],
        created_at=now,
    )
    session.add(row)
    return CreatedSecret(secret_id=row.secret_id, secret=plaintext)


async def list_secrets(session: AsyncSession, project_id: str) -> list[ProjectSecret]:
    await get_project(session, project_id)
    return await ProjectRepository(session).secrets(project_id)


async def delete_secret(session: AsyncSession, project_id: str, secret_id: str) -> None:
    """Delete a secret, refusing to delete a project's last one."""
    secrets = await list_secrets(session, project_id)
    if secret_id not in {s.secret_id for s in secrets}:
        raise KeystileError("secret_not_found")
    if len(secrets) == 1:
        raise KeystileError("invalid_argument", "A project must keep at least one secret.")
    await ProjectRepository(session).delete_secret(project_id, secret_id)


async def authenticate_secret(session: AsyncSession, project_id: str | None, secret: str) -> Project:
    """The project whose `secret` this is (and whose id is `project_id`, when given), or
    `unauthorized_credentials`.

    One indexed lookup by the secret's digest: the digest of a 256-bit random secret reveals
    nothing through timing, and the project id is then compared in constant time.
    """
    project = await ProjectRepository(session).by_secret_digest(secret_digest(secret))
    if project is None or (project_id is not None and not _same(project.project_id, project_id)):
        raise KeystileError("unauthorized_credentials")
    return project


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


async def add_redirect_url(
    session: AsyncSession,
    project_id: str,
    url: str,
    url_types: list[str],
    *,
    is_default: bool,
    now: datetime,
    check_project: bool = True,
) -> None:
    """Allow `url` for each of `url_types`; a new default replaces the old default of its type."""
    validate_redirect_url(url)
    validate_url_types(url_types)
    if check_project:
        await get_project(session, project_id)
    repo = RedirectURLRepository(session, project_id)
    for url_type in url_types:
        if is_default:
            await repo.clear_default(url_type)
        existing = await repo.find(url_type, url_digest(url))
        if existing is not None:
            existing.is_default = existing.is_default or is_default
            continue
        await repo.add(
            RedirectURL(
                redirect_url_id=new_id("redirect-url"),
                project_id=project_id,
                url_type=url_type,
                url=url,
                url_digest=url_digest(url),
                is_default=is_default,
                created_at=now,
            )
        )


async def list_redirect_urls(session: AsyncSession, project_id: str) -> list[RedirectURL]:
    await get_project(session, project_id)
    return await RedirectURLRepository(session, project_id).all()


async def remove_redirect_url(session: AsyncSession, project_id: str, url: str, url_types: list[str]) -> int:
    """Stop allowing `url` for `url_types` (all types when empty); returns how many were removed."""
    await get_project(session, project_id)
    types = validate_url_types(url_types) if url_types else list(URL_TYPES)
    return await RedirectURLRepository(session, project_id).remove(url_digest(url), types)


async def resolve_redirect_url(
    session: AsyncSession,
    project_id: str,
    url_type: str,
    requested: str | None,
    *,
    refusal: ErrorType = "invalid_magic_link_url",
) -> str:
    """The URL a link of `url_type` should point at: the exact `requested` URL when the project
    allows it, the project's default for the type when none is requested; otherwise a 400 `refusal`."""
    rows = await RedirectURLRepository(session, project_id).of_type(url_type)
    if requested is None or requested == "":
        for row in rows:
            if row.is_default:
                return row.url
        raise KeystileError(refusal, f"No {url_type} redirect URL was given and none is set as default.")
    for row in rows:
        if hmac.compare_digest(row.url.encode(), requested.encode()):
            return row.url
    raise KeystileError(refusal, f"The {url_type} redirect URL is not in the project's allowlist.")


def _is_test(project: Project) -> bool:
    return project.environment == TEST


async def add_webauthn_domain(session: AsyncSession, project_id: str, domain: str, *, now: datetime) -> str:
    """Allow WebAuthn on `domain` (a domain name for its https origin, or an origin); the origin."""
    project = await get_project(session, project_id)
    origin = canonical_origin(domain, test_project=_is_test(project))
    row = WebAuthnOrigin(
        webauthn_origin_id=new_id("webauthn-origin", project.environment),
        project_id=project_id,
        origin=origin,
        created_at=now,
    )
    await WebAuthnOriginRepository(session, project_id).add(row)
    return origin


async def list_webauthn_domains(session: AsyncSession, project_id: str) -> list[str]:
    await get_project(session, project_id)
    return await WebAuthnOriginRepository(session, project_id).all()


async def remove_webauthn_domain(session: AsyncSession, project_id: str, domain: str) -> int:
    """Stop allowing the origin `domain` names; how many were removed (0 or 1)."""
    project = await get_project(session, project_id)
    origin = canonical_origin(domain, test_project=_is_test(project))
    return await WebAuthnOriginRepository(session, project_id).remove(origin)


async def webauthn_origins(
    session: AsyncSession, project_id: str, domain: str, *, test_project: bool
) -> list[str]:
    """The allowed origins for a WebAuthn ceremony whose relying-party id is `domain`; refused with
    Stytch's `invalid_webauthn_registration_domain` when the project allows none."""
    allowed = await WebAuthnOriginRepository(session, project_id).all()
    origins = origins_for(domain, allowed, test_project=test_project)
    if not origins:
        raise KeystileError("invalid_webauthn_registration_domain")
    return origins
