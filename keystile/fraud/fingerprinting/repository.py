"""Device Fingerprinting's storage: telemetry records, rules and verdict-reason overrides, per project."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.fraud.fingerprinting.models import DfpRule, DfpTelemetry, DfpVerdictReasonOverride


async def add_telemetry(db: AsyncSession, record: DfpTelemetry) -> None:
    """Adds the record, and drops the project's expired ones (nothing else removes them)."""
    await db.execute(
        delete(DfpTelemetry).where(
            DfpTelemetry.project_id == record.project_id, DfpTelemetry.expires_at <= record.created_at
        )
    )
    db.add(record)
    await db.flush()


async def find_telemetry(
    db: AsyncSession, project_id: str, telemetry_id: str, now: datetime
) -> DfpTelemetry | None:
    """The project's unexpired telemetry record of that id."""
    return await db.scalar(
        select(DfpTelemetry).where(
            DfpTelemetry.telemetry_id == telemetry_id,
            DfpTelemetry.project_id == project_id,
            DfpTelemetry.expires_at > now,
        )
    )


def _active(now: datetime) -> ColumnElement[bool]:
    return or_(DfpRule.expires_at.is_(None), DfpRule.expires_at > now)


async def find_rule(db: AsyncSession, project_id: str, rule_type: str, identifier: str) -> DfpRule | None:
    return await db.get(DfpRule, (project_id, rule_type, identifier))


async def delete_rule(db: AsyncSession, rule: DfpRule) -> None:
    await db.delete(rule)
    await db.flush()


async def save_rule(db: AsyncSession, rule: DfpRule) -> None:
    db.add(rule)
    await db.flush()


async def page_of_rules(
    db: AsyncSession, project_id: str, now: datetime, after: tuple[datetime, str] | None, limit: int
) -> list[DfpRule]:
    """Up to `limit` unexpired rules in order of creation, after the rule `(created_at, rule_id)`."""
    query = select(DfpRule).where(DfpRule.project_id == project_id, _active(now))
    if after is not None:
        query = query.where(tuple_(DfpRule.created_at, DfpRule.rule_id) > tuple_(*after))
    query = query.order_by(DfpRule.created_at, DfpRule.rule_id).limit(limit)
    return list(await db.scalars(query))


async def candidate_rules(
    db: AsyncSession, project_id: str, identifiers: Mapping[str, str], now: datetime
) -> list[DfpRule]:
    """The unexpired rules naming one of `identifiers` (by rule type), and every CIDR block rule."""
    named = [(rule_type, identifier) for rule_type, identifier in identifiers.items()]
    query = select(DfpRule).where(
        DfpRule.project_id == project_id,
        _active(now),
        or_(DfpRule.rule_type == "CIDR_BLOCK", tuple_(DfpRule.rule_type, DfpRule.identifier).in_(named)),
    )
    return list(await db.scalars(query))


async def overrides(db: AsyncSession, project_id: str) -> list[DfpVerdictReasonOverride]:
    query = select(DfpVerdictReasonOverride).where(DfpVerdictReasonOverride.project_id == project_id)
    return list(await db.scalars(query))


async def set_override(
    db: AsyncSession,
    project_id: str,
    verdict_reason: str,
    action: str,
    description: str | None,
    now: datetime,
) -> DfpVerdictReasonOverride | None:
    """Sets the reason's override (removes it when `action` is NONE); the override now in force."""
    await db.execute(
        delete(DfpVerdictReasonOverride).where(
            DfpVerdictReasonOverride.project_id == project_id,
            DfpVerdictReasonOverride.verdict_reason == verdict_reason,
        )
    )
    if action == "NONE":
        await db.flush()
        return None
    override = DfpVerdictReasonOverride(
        project_id=project_id,
        verdict_reason=verdict_reason,
        action=action,
        description=description,
        created_at=now,
    )
    db.add(override)
    await db.flush()
    return override
