"""A project's metrics in Stytch's shape: consumer projects count users, B2B projects organizations and
members; both count M2M clients."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.metrics.repository import count_rows

METRICS_OF_VERTICAL = {
    "consumer": ["USER_COUNT", "M2M_CLIENT_COUNT"],
    "b2b": ["ORGANIZATION_COUNT", "MEMBER_COUNT", "M2M_CLIENT_COUNT"],
}


@dataclass(frozen=True)
class Metric:
    metric_type: str
    count: int


async def project_metrics(session: AsyncSession, project_id: str, vertical: str) -> list[Metric]:
    """Each metric of the project's vertical, in Stytch's order."""
    metric_types = METRICS_OF_VERTICAL[vertical]
    counts = await count_rows(session, project_id, metric_types)
    return [Metric(metric_type, counts[metric_type]) for metric_type in metric_types]
