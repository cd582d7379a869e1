"""Device Fingerprinting's operations: record telemetry, look it up (fingerprints and verdict), set
and list rules, list and override verdict reasons."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.fraud.fingerprinting import repository
from keystile.fraud.fingerprinting.fingerprints import (
    Fingerprints,
    fingerprints,
    is_identifier,
    new_visitor_id,
)
from keystile.fraud.fingerprinting.models import DfpRule, DfpTelemetry, DfpVerdictReasonOverride
from keystile.fraud.fingerprinting.rules import NONE, StoredRule, matching_rule, rule_target
from keystile.fraud.fingerprinting.signals import BrowserSignals, device_type, warning_flags
from keystile.fraud.fingerprinting.verdicts import DEFAULT_ACTIONS, Verdict, check_override, verdict

# A telemetry id may be looked up, any number of times, for this long after the browser sent it.
TELEMETRY_LIFETIME = timedelta(hours=1)
MAX_RULE_MINUTES = 60 * 24 * 366 * 10
DEFAULT_RULES_LIMIT, MAX_RULES_LIMIT = 100, 1000
EXTERNAL_METADATA = re.compile(r"[A-Za-z0-9_\-+.@]{0,65}")


@dataclass(frozen=True)
class Lookup:
    telemetry: DfpTelemetry
    fingerprints: Fingerprints
    verdict: Verdict
    detected_device_type: str
    user_agent: str


@dataclass(frozen=True)
class RuleSet:
    rule_type: str
    identifier: str
    action: str
    expires_at: datetime | None


@dataclass(frozen=True)
class ReasonAction:
    verdict_reason: str
    default_action: str
    override_action: str | None
    override_created_at: datetime | None
    override_description: str | None


async def record_telemetry(
    db: AsyncSession,
    project_id: str,
    signals: BrowserSignals,
    *,
    visitor_id: str | None,
    ip_address: str,
    header_user_agent: str,
    now: datetime,
) -> DfpTelemetry:
    """Records the signals under a new telemetry id; the visitor keeps its id when it sends a
    well-formed one, and gets a new one otherwise."""
    record = DfpTelemetry(
        telemetry_id=str(uuid.uuid4()),
        project_id=project_id,
        visitor_id=visitor_id if visitor_id and is_identifier("VISITOR_ID", visitor_id) else new_visitor_id(),
        ip_address=ip_address,
        header_user_agent=header_user_agent,
        signals=asdict(signals),
        created_at=now,
        expires_at=now + TELEMETRY_LIFETIME,
    )
    await repository.add_telemetry(db, record)
    return record


def check_external_metadata(metadata: Mapping[str, str | None]) -> None:
    if any(value is not None and not EXTERNAL_METADATA.fullmatch(value) for value in metadata.values()):
        raise KeystileError("invalid_external_metadata")


async def lookup(db: AsyncSession, project_id: str, telemetry_id: str, now: datetime) -> Lookup:
    record = await repository.find_telemetry(db, project_id, telemetry_id, now)
    if record is None:
        raise KeystileError("telemetry_id_not_found")
    signals = BrowserSignals(**record.signals)
    found = fingerprints(project_id, signals, record.visitor_id, record.ip_address)
    identifiers = found.by_rule_type()
    rules = await repository.candidate_rules(db, project_id, identifiers, now)
    rule = matching_rule(
        (StoredRule(r.rule_type, r.identifier, r.action) for r in rules), identifiers, record.ip_address
    )
    overrides = {o.verdict_reason: o.action for o in await repository.overrides(db, project_id)}
    flags = warning_flags(signals, record.header_user_agent)
    return Lookup(record, found, verdict(flags, overrides, rule), device_type(signals), signals.user_agent)


async def set_rule(
    db: AsyncSession,
    project_id: str,
    identifiers: Mapping[str, str | None],
    action: str,
    *,
    description: str | None,
    expires_in_minutes: int | None,
    now: datetime,
) -> RuleSet:
    """Sets (or, with NONE, removes) the rule of the one identifier given."""
    target = rule_target(identifiers, action)
    if expires_in_minutes is not None and not 1 <= expires_in_minutes <= MAX_RULE_MINUTES:
        raise KeystileError(
            "invalid_argument", f"expires_in_minutes must be between 1 and {MAX_RULE_MINUTES}."
        )
    expires_at = now + timedelta(minutes=expires_in_minutes) if expires_in_minutes is not None else None
    rule = await repository.find_rule(db, project_id, target.rule_type, target.identifier)
    if action == NONE:
        if rule is not None:
            await repository.delete_rule(db, rule)
        return RuleSet(target.rule_type, target.identifier, action, None)
    if rule is None:
        rule = DfpRule(
            project_id=project_id,
            rule_type=target.rule_type,
            identifier=target.identifier,
            rule_id=str(uuid.uuid4()),
            created_at=now,
        )
    else:
        rule.last_updated_at = now
    rule.action, rule.description, rule.expires_at = action, description, expires_at
    await repository.save_rule(db, rule)
    return RuleSet(target.rule_type, target.identifier, action, expires_at)


async def list_rules(
    db: AsyncSession, project_id: str, cursor: str | None, limit: int | None, now: datetime
) -> tuple[list[DfpRule], str]:
    """A page of the project's unexpired rules, and the cursor of the next page ("" after the last)."""
    size = DEFAULT_RULES_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_RULES_LIMIT:
        raise KeystileError("invalid_limit")
    rules = await repository.page_of_rules(
        db, project_id, now, _read_cursor(cursor) if cursor else None, size + 1
    )
    if len(rules) <= size:
        return rules, ""
    last = rules[size - 1]
    token = f"{last.created_at.isoformat()}|{last.rule_id}".encode()
    return rules[:size], base64.urlsafe_b64encode(token).decode()


def _read_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        created_at, rule_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created_at), str(uuid.UUID(rule_id))
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise KeystileError("dfp_rule_invalid_cursor") from error


async def reason_actions(db: AsyncSession, project_id: str, *, overrides_only: bool) -> list[ReasonAction]:
    overrides = {o.verdict_reason: o for o in await repository.overrides(db, project_id)}
    found = []
    for reason in DEFAULT_ACTIONS:
        override = overrides.get(reason)
        if override is None and overrides_only:
            continue
        found.append(_reason_action(reason, override))
    return found


async def override_reason(
    db: AsyncSession,
    project_id: str,
    verdict_reason: str,
    action: str,
    description: str | None,
    now: datetime,
) -> ReasonAction:
    """Sets the reason's override (NONE removes it); the reason's actions after it."""
    check_override(verdict_reason, action)
    override = await repository.set_override(db, project_id, verdict_reason, action, description, now)
    return _reason_action(verdict_reason, override)


def _reason_action(reason: str, override: DfpVerdictReasonOverride | None) -> ReasonAction:
    return ReasonAction(
        reason,
        DEFAULT_ACTIONS[reason],
        override.action if override else None,
        override.created_at if override else None,
        override.description if override else None,
    )
