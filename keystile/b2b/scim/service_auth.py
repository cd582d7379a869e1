"""The SCIM service's caller: the connection whose bearer token (its current one, or the new one of a
rotation under way) the request presents."""

from __future__ import annotations

from scim2_models import UnauthorizedException
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.scim.connections import presents_token
from keystile.b2b.scim.models import SCIMConnection
from keystile.b2b.scim.repository import connection_by_id

BEARER = "bearer "


async def authenticated_connection(
    db: AsyncSession, connection_id: str, authorization: str | None
) -> SCIMConnection:
    """The connection, once `authorization` carries its bearer token; an unknown connection and a wrong
    token are refused alike."""
    header = authorization or ""
    token = header[len(BEARER) :].strip() if header.lower().startswith(BEARER) else ""
    row = await connection_by_id(db, connection_id) if token and len(connection_id) <= 128 else None
    if row is None or not presents_token(row, token):
        raise UnauthorizedException(detail="A valid bearer token for this SCIM connection is required.")
    return row
