"""Connected Apps state the management API cannot make: grants (recorded by the authorization
server at the end of a flow) and client secret checks (made by its token endpoint), done in-process
with the domain functions against the server's database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.connected_apps import clients, grants
from tests.support.server import KeystileServer
from tests.support.services import call_for


def seed_grant(
    server: KeystileServer,
    project_id: str,
    *,
    subject_id: str,
    client_id: str,
    scopes: list[str],
    organization_id: str | None = None,
) -> None:
    """Record a grant as the authorization server does when a flow completes."""

    async def record(db: AsyncSession) -> None:
        await grants.record_grant(
            call_for(db, project_id),
            subject_id=subject_id,
            client_id=client_id,
            scopes=scopes,
            organization_id=organization_id,
        )

    run_in_transaction(Settings(database_url=server.database_url), record)


def authenticates(server: KeystileServer, project_id: str, client_id: str, secret: str | None) -> bool:
    """Whether the token endpoint would take these client credentials."""

    async def check(db: AsyncSession) -> bool:
        return await clients.authenticate_client(call_for(db, project_id), client_id, secret) is not None

    return run_in_transaction(Settings(database_url=server.database_url), check)
