"""Queries for the WebAuthn registrations and challenges of one project."""

from __future__ import annotations

from sqlalchemy import select, update

from keystile.db.project_rows import ProjectScoped
from keystile.db.results import rows_changed
from keystile.factors.webauthn.models import WebAuthnChallenge, WebAuthnRegistration


class WebAuthnRepository(ProjectScoped):
    """Reads and writes the WebAuthn registrations and challenges of one project."""

    async def of_user(self, user_id: str, domain: str) -> list[WebAuthnRegistration]:
        """The user's registrations for the relying-party id `domain`, oldest first."""
        rows = await self.db.scalars(
            select(WebAuthnRegistration)
            .where(
                WebAuthnRegistration.project_id == self.project_id,
                WebAuthnRegistration.user_id == user_id,
                WebAuthnRegistration.domain == domain,
            )
            .order_by(WebAuthnRegistration.created_at, WebAuthnRegistration.webauthn_registration_id)
        )
        return list(rows.all())

    async def by_credential(self, credential_digest: str) -> WebAuthnRegistration | None:
        return await self.find_by(WebAuthnRegistration, credential_digest=credential_digest)

    async def by_id(self, registration_id: str) -> WebAuthnRegistration | None:
        return await self.find_by(WebAuthnRegistration, webauthn_registration_id=registration_id)

    async def challenge(self, digest: str, ceremony: str) -> WebAuthnChallenge | None:
        return await self.find_by(WebAuthnChallenge, challenge_digest=digest, ceremony=ceremony)

    async def advance_sign_count(self, registration: WebAuthnRegistration, seen: int) -> bool:
        """Record `seen` (checked above the stored counter by the caller) as the registration's counter
        unless another assertion moved it since it was read: of two racing uses, one wins."""
        moved = await self.db.execute(
            update(WebAuthnRegistration)
            .where(
                WebAuthnRegistration.project_id == self.project_id,
                WebAuthnRegistration.webauthn_registration_id == registration.webauthn_registration_id,
                WebAuthnRegistration.sign_count == registration.sign_count,
            )
            .values(sign_count=seen)
            .execution_options(synchronize_session=False)
        )
        return rows_changed(moved) == 1

    async def rename(self, registration: WebAuthnRegistration, name: str) -> None:
        registration.name = name
        await self.db.flush()
