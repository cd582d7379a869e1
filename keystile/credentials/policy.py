"""A project's password rules: the strength policy (zxcvbn or LUDS), where breaches are checked, and
whether B2B passwords are shared across organizations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.credentials.models import PasswordPolicy
from keystile.errors import KeystileError

STRENGTH_POLICIES: Final = ("zxcvbn", "luds")
MAX_LUDS_LENGTH = 32


@dataclass(frozen=True)
class PasswordRules:
    """Stytch's defaults: zxcvbn, breach detection on creation and on authentication, B2B passwords
    scoped to one organization's member."""

    strength_policy: str = "zxcvbn"
    luds_min_length: int = 8
    luds_min_complexity: int = 3
    breach_detection_on_create: bool = True
    breach_detection_on_authenticate: bool = True
    cross_org_passwords: bool = False


def check_rules(rules: PasswordRules) -> PasswordRules:
    if rules.strength_policy not in STRENGTH_POLICIES:
        raise KeystileError("invalid_argument", "The strength policy is zxcvbn or luds.")
    if not 1 <= rules.luds_min_length <= MAX_LUDS_LENGTH:
        raise KeystileError("invalid_argument", f"The LUDS length is from 1 to {MAX_LUDS_LENGTH}.")
    if not 1 <= rules.luds_min_complexity <= 4:
        raise KeystileError("invalid_argument", "The LUDS complexity is from 1 to 4 character classes.")
    return rules


def rules_of(row: PasswordPolicy | None) -> PasswordRules:
    """The rules a project's policy row sets (Stytch's defaults without one)."""
    if row is None:
        return PasswordRules()
    return PasswordRules(
        strength_policy=row.strength_policy,
        luds_min_length=row.luds_min_length,
        luds_min_complexity=row.luds_min_complexity,
        breach_detection_on_create=row.breach_detection_on_create,
        breach_detection_on_authenticate=row.breach_detection_on_authenticate,
        cross_org_passwords=bool(row.cross_org_passwords),
    )


async def project_rules(db: AsyncSession, project_id: str) -> PasswordRules:
    return rules_of(await db.get(PasswordPolicy, project_id))


async def update_rules(
    db: AsyncSession, project_id: str, changes: dict[str, object], *, now: datetime
) -> PasswordRules:
    """The project's rules with `changes` (field name -> value) applied and stored."""
    rules = check_rules(replace(await project_rules(db, project_id), **changes))  # type: ignore[arg-type]
    row = await db.get(PasswordPolicy, project_id)
    if row is None:
        row = PasswordPolicy(project_id=project_id)
        db.add(row)
    row.strength_policy = rules.strength_policy
    row.luds_min_length = rules.luds_min_length
    row.luds_min_complexity = rules.luds_min_complexity
    row.breach_detection_on_create = rules.breach_detection_on_create
    row.breach_detection_on_authenticate = rules.breach_detection_on_authenticate
    row.cross_org_passwords = rules.cross_org_passwords
    row.updated_at = now
    await db.flush()
    return rules
