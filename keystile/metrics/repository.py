"""The counts behind a project's metrics, all read in one query."""

from __future__ import annotations

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.models import Member, Organization
from keystile.db.base import Base
from keystile.identity.models import User
from keystile.m2m.models import M2MClient

# Stytch's metric types, each the rows of one table; a project shows those of its vertical.
COUNTED: dict[str, type[Base]] = {
    "USER_COUNT": User,
    "ORGANIZATION_COUNT": Organization,
    "MEMBER_COUNT": Member,
    "M2M_CLIENT_COUNT": M2MClient,
}


async def count_rows(session: AsyncSession, project_id: str, metric_types: list[str]) -> dict[str, int]:
    """How many rows of the project each of `metric_types` counts."""
    branches = [
        select(literal(metric_type).label("metric_type"), func.count().label("count"))
        .select_from(COUNTED[metric_type])
        .where(COUNTED[metric_type].__table__.c.project_id == project_id)
        for metric_type in metric_types
    ]
    rows = await session.execute(union_all(*branches))
    return {str(metric_type): int(count) for metric_type, count in rows}
