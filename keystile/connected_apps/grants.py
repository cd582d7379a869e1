"""Grants: a user's or a member's consent to a Connected App, with the scopes granted by the latest
authorization flow. The authorization server records them; the management API lists and revokes them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.calls import Call
from keystile.connected_apps.models import ConnectedAppClient, ConnectedAppGrant
from keystile.connected_apps.repository import ClientRepository, GrantRepository
from keystile.errors import KeystileError

# Deletes what was issued under revoked grants (db, project_id, client_id, subject_id or None for all).
TokenEraser = Callable[[AsyncSession, str, str, str | None], Awaitable[None]]
_TOKEN_ERASERS: list[TokenEraser] = []


def register_token_eraser(eraser: TokenEraser) -> None:
    """For the authorization server, on import: `eraser` deletes the tokens of revoked grants."""
    if eraser not in _TOKEN_ERASERS:
        _TOKEN_ERASERS.append(eraser)


async def _erase_tokens(call: Call, client_id: str, subject_id: str | None) -> None:
    for erase in _TOKEN_ERASERS:
        await erase(call.db, call.project_id, client_id, subject_id)


@dataclass(frozen=True)
class GrantedApp:
    """A grant with the client it is to."""

    grant: ConnectedAppGrant
    client: ConnectedAppClient


async def record_grant(
    call: Call, *, subject_id: str, client_id: str, scopes: list[str], organization_id: str | None = None
) -> None:
    """Record that the user (or the member of `organization_id`) `subject_id` granted `scopes` to the
    client, replacing the scopes of an earlier grant. The caller has checked the subject and client."""
    await GrantRepository(call.db, call.project_id).put(
        subject_id, client_id, organization_id, list(dict.fromkeys(scopes)), call.now
    )


async def granted_scopes(call: Call, *, subject_id: str, client_id: str) -> list[str] | None:
    """The scopes the subject has granted the client, or None without a grant (consent is needed)."""
    grant = await GrantRepository(call.db, call.project_id).get(subject_id, client_id)
    return None if grant is None else list(grant.scopes)


async def revoke_grant(call: Call, *, subject_id: str, client_id: str) -> bool:
    """Drop the subject's grant to the client, and with it what was issued under it (the registered
    token erasers run in the same unit of work); whether there was one."""
    await _erase_tokens(call, client_id, subject_id)
    return await GrantRepository(call.db, call.project_id).delete(subject_id, client_id)


async def revoke_client_grants(call: Call, client_id: str) -> int:
    """Drop every grant to the client (it is being deleted), and what was issued under them."""
    await _erase_tokens(call, client_id, None)
    return await GrantRepository(call.db, call.project_id).delete_of_client(client_id)


async def apps_of_subject(call: Call, subject_id: str) -> list[GrantedApp]:
    """The clients the user or member has granted access, oldest grant first."""
    rows = await GrantRepository(call.db, call.project_id).of_subject(subject_id)
    return [GrantedApp(grant, client) for grant, client in rows]


async def apps_of_organization(call: Call, organization_id: str) -> list[ConnectedAppClient]:
    """The clients at least one member of the organization has granted access, each once."""
    rows = await GrantRepository(call.db, call.project_id).of_organization(organization_id)
    return list({client.client_id: client for _, client in rows}.values())


async def app_of_organization(
    call: Call, organization_id: str, client_id: str
) -> tuple[ConnectedAppClient, list[ConnectedAppGrant]]:
    """The client and the grants the organization's members gave it (none is not an error)."""
    client = await ClientRepository(call.db, call.project_id).get(client_id)
    if client is None:
        raise KeystileError("connected_app_not_found")
    rows = await GrantRepository(call.db, call.project_id).of_organization(organization_id, client_id)
    return client, [grant for grant, _ in rows]


async def revoke_app_of_subject(call: Call, *, subject_id: str, client_id: str) -> None:
    """The management API's revoke: the client must exist; revoking a grant that is not there (any
    more) succeeds, so a retried call answers as the first did."""
    if await ClientRepository(call.db, call.project_id).get(client_id) is None:
        raise KeystileError("connected_app_not_found")
    await revoke_grant(call, subject_id=subject_id, client_id=client_id)
