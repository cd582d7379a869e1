"""Single-use rows (codes, links, tokens): their columns, finding a token's row by digest and redeeming
it by one conditional UPDATE, so that exactly one of any number of concurrent callers wins (the clock
counts as a caller)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import Integer, String, Text, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type
from keystile.db.results import rows_changed
from keystile.tokens import digest

Row = TypeVar("Row", bound=Base)


class SingleUse:
    """The columns of a row of one project that is used at most once (`consumed_at`), before it expires."""

    project_id: Mapped[str] = mapped_column(id_column_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SingleUseToken(SingleUse):
    """The columns of a sent token (a magic link's, a password reset's): stored as its SHA-256 digest
    only, and bound to a PKCE challenge when it was asked for with one."""

    token_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    code_challenge: Mapped[str | None] = mapped_column(String(128))


async def find(db: AsyncSession, model: type[Row], project_id: str, token: str) -> Row | None:
    """The project's row of `model` whose `token_digest` is the token's."""
    columns = model.__table__.c
    return await db.scalar(
        select(model).where(columns.project_id == project_id, columns.token_digest == digest(token))
    )


async def redeem(db: AsyncSession, row: Base | SingleUse, now: datetime) -> bool:
    """Set `consumed_at` on the mapped `row` unless set already (or, for a row with `expires_at`,
    expired since it was read); False when another caller or the clock got there first."""
    mapper = inspect(row).mapper
    model, columns = mapper.class_, mapper.local_table.c
    (key,) = mapper.primary_key
    row_key = getattr(row, mapper.get_property_by_column(key).key)
    live = [key == row_key, columns.consumed_at.is_(None)]
    if "expires_at" in columns:
        live.append(columns.expires_at > now)
    won = await db.execute(
        update(model).where(*live).values(consumed_at=now).execution_options(synchronize_session=False)
    )
    return rows_changed(won) == 1


class Passcode(SingleUse):
    """The columns of a sent passcode: an HMAC of the code under its own key, which is stored encrypted
    (`keystile.factors.passcodes`), and the tries it has had."""

    code_key_encrypted: Mapped[str] = mapped_column(Text)
    code_digest: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


async def count_attempt(db: AsyncSession, row: Passcode, max_attempts: int, now: datetime) -> bool:
    """Count a try of the live passcode `row` by one conditional UPDATE; False once it had
    `max_attempts` (or is used or expired), so concurrent guesses cannot exceed them."""
    model = type(row)
    columns = model.__table__.c  # type: ignore[attr-defined]
    mapper = inspect(model)
    (key,) = mapper.primary_key
    tried = await db.execute(
        update(model)
        .where(
            key == mapper.primary_key_from_instance(row)[0],
            columns.consumed_at.is_(None),
            columns.expires_at > now,
            columns.attempts < max_attempts,
        )
        .values(attempts=columns.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(tried) == 1
