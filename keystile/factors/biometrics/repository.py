"""Queries for the biometric registrations and challenges of one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from keystile.db.project_rows import ProjectScoped
from keystile.factors.biometrics.models import BiometricChallenge, BiometricRegistration


class BiometricRepository(ProjectScoped):
    """Reads and writes the biometric registrations and challenges of one project."""

    async def by_id(self, registration_id: str) -> BiometricRegistration | None:
        return await self.find_by(BiometricRegistration, biometric_registration_id=registration_id)

    async def by_public_key(self, public_key: str) -> BiometricRegistration | None:
        return await self.find_by(BiometricRegistration, public_key=public_key)

    async def retire_challenges(self, registration_id: str, now: datetime) -> None:
        """Use up the registration's pending challenges: only the newest one may be signed."""
        await self.use_up(BiometricChallenge, now, biometric_registration_id=registration_id)

    async def latest_challenge(self, registration_id: str, ceremony: str) -> BiometricChallenge | None:
        """The registration's challenge of `ceremony` still unused (at most one: starting retires the
        others), else its newest; expired or not (redeeming checks both, so a replay is told apart from
        an unknown registration)."""
        return await self.db.scalar(
            select(BiometricChallenge)
            .where(
                BiometricChallenge.project_id == self.project_id,
                BiometricChallenge.biometric_registration_id == registration_id,
                BiometricChallenge.ceremony == ceremony,
            )
            .order_by(BiometricChallenge.consumed_at.is_(None).desc(), BiometricChallenge.created_at.desc())
            .limit(1)
        )
