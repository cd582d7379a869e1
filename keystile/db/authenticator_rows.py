"""The columns every product's TOTP registrations and recovery codes share, and accepting a code's time
step at most once by one conditional UPDATE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String, Text, inspect, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import UTCDateTime, id_column_type
from keystile.db.results import rows_changed


class AuthenticatorColumns:
    """One authenticator app: pending until a first code verifies it, unusable if that does not happen
    before `expires_at`."""

    totp_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    # The base32 secret, Fernet-encrypted under KEYSTILE_ENCRYPTION_KEY (codes are computed from it).
    secret_encrypted: Mapped[str] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The 30-second step of the last accepted code: that code and every earlier one are refused.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCodeColumns:
    """A recovery code of one registration, single use."""

    recovery_code_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    totp_id: Mapped[str] = mapped_column(id_column_type())
    # HMAC-SHA256 of the code keyed by the registration's secret, which only the server can decrypt.
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


async def accept_step(db: AsyncSession, row: AuthenticatorColumns, step: int) -> bool:
    """Record `step` as the registration's last used one (verifying it), unless that step or a later
    one was used already: a code is accepted at most once, even when two requests race."""
    model = type(row)
    (key,) = inspect(model).primary_key
    columns = model.__table__.c  # type: ignore[attr-defined]
    accepted = await db.execute(
        update(model)
        .where(
            key == row.totp_id,
            or_(columns.last_used_step.is_(None), columns.last_used_step < step),
        )
        .values(last_used_step=step, verified=True)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(accepted) == 1
