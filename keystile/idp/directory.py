"""The provider's view of Connected Apps (`keystile.connected_apps`): an active client as Authlib's
`ClientMixin`, the scopes it may ask for (OpenID's and the project's RBAC scopes), and whether the
subject must consent to a request."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.calls import Call
from keystile.connected_apps.grants import granted_scopes, record_grant
from keystile.connected_apps.models import ConnectedAppClient
from keystile.connected_apps.repository import ClientRepository, GrantRepository
from keystile.connected_apps.settings import FIRST_PARTY_TYPES
from keystile.idp.clients import FULL_ACCESS, STANDARD_SCOPES, IdpClient
from keystile.idp.models import IdpTokenFamily
from keystile.ids import is_well_formed_id

OFFLINE_ACCESS = "offline_access"
STANDARD_SCOPE_DESCRIPTIONS = {
    "openid": "Verify your identity.",
    "profile": "View your name.",
    "email": "View your email address.",
    "phone": "View your phone number.",
    "offline_access": "Stay signed in when you are not using the app.",
    FULL_ACCESS: "Act as you, with a full session in the app.",
}


@dataclass(frozen=True)
class ScopeResult:
    scope: str
    description: str
    is_grantable: bool


def idp_client(row: ConnectedAppClient, custom_scopes: tuple[str, ...] = ()) -> IdpClient:
    return IdpClient(
        client_id=row.client_id,
        client_type=row.client_type,
        client_name=row.client_name,
        client_description=row.client_description,
        logo_url=row.logo_url,
        redirect_urls=tuple(row.redirect_urls),
        post_logout_redirect_urls=tuple(row.post_logout_redirect_urls),
        secret_digests=tuple(digest for digest in (row.secret_digest, row.next_secret_digest) if digest),
        access_token_expiry_minutes=row.access_token_expiry_minutes,
        bypass_consent_for_offline_access=row.bypass_consent_for_offline_access,
        allowed_scopes=frozenset((*STANDARD_SCOPES, *custom_scopes, *_full_access(row))),
    )


def _full_access(row: ConnectedAppClient) -> tuple[str, ...]:
    """`full_access` for a first-party client that allows it (its tokens exchange for a session)."""
    return (FULL_ACCESS,) if row.client_type in FIRST_PARTY_TYPES and row.full_access_allowed else ()


async def custom_scopes(call: Call, vertical: str) -> dict[str, str]:
    """The project's RBAC scopes with their descriptions."""
    policy = await call.policies.policy(call.db, call.project_id, vertical)
    return {scope.scope: scope.description for scope in policy.scopes}


async def active_client(
    call: Call, client_id: object, custom: dict[str, str] | None = None
) -> IdpClient | None:
    """The project's active client `client_id`, or None (unknown, malformed or inactive alike)."""
    if not isinstance(client_id, str) or not is_well_formed_id(client_id):
        return None
    row = await ClientRepository(call.db, call.project_id).get(client_id)
    if row is None or row.client_id != client_id or row.status != "active":
        return None
    return idp_client(row, tuple(custom or ()))


def scope_results(scopes: list[str], custom: dict[str, str]) -> list[ScopeResult]:
    descriptions = {**custom, **STANDARD_SCOPE_DESCRIPTIONS}
    return [ScopeResult(scope, descriptions.get(scope, ""), scope in descriptions) for scope in scopes]


async def consent_required(
    call: Call, client: IdpClient, subject_id: str, scopes: list[str], *, prompt: str | None
) -> bool:
    """Whether the subject must consent: always when `prompt=consent`; for a first-party client only to
    `offline_access` (unless it bypasses that); for a third-party one unless an earlier grant covers
    every scope asked for."""
    if prompt is not None and "consent" in prompt.split():
        return True
    if client.is_first_party:
        return OFFLINE_ACCESS in scopes and not client.bypass_consent_for_offline_access
    granted = await granted_scopes(call, subject_id=subject_id, client_id=client.client_id)
    return granted is None or not set(scopes) <= set(granted)


async def record_consent(
    call: Call, client: IdpClient, subject_id: str, organization_id: str | None, scopes: list[str]
) -> None:
    """Remember the subject's grant of `scopes` to the client."""
    await record_grant(
        call,
        subject_id=subject_id,
        client_id=client.client_id,
        scopes=scopes,
        organization_id=organization_id,
    )


async def still_granted(call: Call, family: IdpTokenFamily) -> bool:
    """Whether the grant the family's tokens were issued under still stands: a grant revoked through
    the management API (`users.connected_apps.revoke`, a deleted client) takes their tokens with it,
    and a later grant does not revive them."""
    grant = await GrantRepository(call.db, call.project_id).get(family.subject_id, family.client_id)
    return grant is not None and grant.created_at <= family.created_at
