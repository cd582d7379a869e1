"""Connected Apps state the management API cannot make or show: grants (recorded by the authorization
server at the end of a flow), client secret checks (made by its token endpoint) and the rows the
provider keeps for a client, done in-process against the server's database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.connected_apps import clients, grants
from keystile.connected_apps.models import ConnectedAppGrant
from keystile.idp.models import IdpAuthorizationCode, IdpRefreshToken, IdpTokenFamily
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


def provider_rows(server: KeystileServer, project_id: str, client_id: str) -> dict[str, int]:
    """How many grants, authorization codes, token families and refresh tokens the project keeps for
    the client, by table."""

    async def count(db: AsyncSession) -> dict[str, int]:
        counts = {}
        for model in (ConnectedAppGrant, IdpAuthorizationCode, IdpTokenFamily, IdpRefreshToken):
            query = select(func.count()).select_from(model)
            query = query.where(model.project_id == project_id, model.client_id == client_id)
            counts[model.__tablename__] = int(await db.scalar(query) or 0)
        return counts

    return run_in_transaction(Settings(database_url=server.database_url), count)
