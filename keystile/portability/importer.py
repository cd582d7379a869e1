"""Importing users in batches, one transaction each. A user already in the project (by email, or by
phone for users without one) is skipped, so re-running an interrupted import resumes it; duplicate and
malformed records are rejected with their reason, never dropped silently."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.identity.service import unique_violation
from keystile.ids import new_id
from keystile.portability.records import SourceLine, UserRecord, validate
from keystile.portability.repository import TABLES, PortabilityRepository

DEFAULT_BATCH_SIZE = 1000


@dataclass(frozen=True)
class Reject:
    line: int
    error_type: str
    reason: str
    text: str


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


@dataclass
class _Seen:
    """Keys of the records accepted so far in this run: a later record repeating one is a duplicate."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    external_ids: set[str] = field(default_factory=set)

    def duplicate(self, record: UserRecord) -> str | None:
        """The error type of the first key that an earlier record already has; else claim the keys."""
        if record.email is not None and record.email in self.emails:
            return "duplicate_email"
        if record.phone_number is not None and record.phone_number in self.phones:
            return "duplicate_phone_number"
        if record.external_id is not None and record.external_id in self.external_ids:
            return "duplicate_user_external_id"
        for keys, value in (
            (self.emails, record.email),
            (self.phones, record.phone_number),
            (self.external_ids, record.external_id),
        ):
            if value is not None:
                keys.add(value)
        return None


Batch = list[tuple[SourceLine, UserRecord]]


def _rows(project_id: str, record: UserRecord, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows of one new user, by table."""
    user_id = new_id("user")
    owned = {"project_id": project_id, "user_id": user_id, "created_at": record.created_at}
    rows: dict[str, list[dict[str, Any]]] = {"users": [], "emails": [], "phones": [], "passwords": []}
    rows["users"].append(
        {
            **owned,
            "status": record.status,
            "first_name": record.name["first_name"],
            "middle_name": record.name["middle_name"],
            "last_name": record.name["last_name"],
            "external_id": record.external_id,
            "trusted_metadata": record.trusted_metadata,
            "untrusted_metadata": record.untrusted_metadata,
            "roles": record.roles,
        }
    )
    if record.email is not None:
        rows["emails"].append(
            {**owned, "email_id": new_id("email"), "email": record.email, "verified": record.email_verified}
        )
    if record.phone_number is not None:
        rows["phones"].append(
            {
                **owned,
                "phone_id": new_id("phone-number"),
                "phone_number": record.phone_number,
                "verified": record.phone_verified,
            }
        )
    if record.password is not None:
        rows["passwords"].append(
            {
                "project_id": project_id,
                "user_id": user_id,
                "password_id": new_id("password"),
                "hash_type": record.password.hash_type,
                "hash": record.password.hash,
                "hash_config": record.password.config,
                "requires_reset": False,
                "email_verified_when_set": record.email_verified,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


async def _insert(db: AsyncSession, project_id: str, batch: Batch, now: datetime) -> None:
    """All of the batch's users, with one executemany INSERT per table."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for _, record in batch:
        for name, new_rows in _rows(project_id, record, now).items():
            rows[name].extend(new_rows)
    await PortabilityRepository(db, project_id).insert(rows)


async def _insert_new(
    db: AsyncSession, project_id: str, batch: Batch, now: datetime
) -> tuple[int, int, list[Reject]]:
    """The batch's users that the project does not have yet; (imported, skipped, rejects)."""
    emails, phones, external_ids = await PortabilityRepository(db, project_id).taken(
        [r.email for _, r in batch if r.email is not None],
        [r.phone_number for _, r in batch if r.phone_number is not None],
        [r.external_id for _, r in batch if r.external_id is not None],
    )
    fresh: Batch = []
    skipped, rejects = 0, []
    for source, record in batch:
        if (record.email in emails) if record.email is not None else (record.phone_number in phones):
            skipped += 1
        elif record.phone_number is not None and record.phone_number in phones:
            rejects.append(
                Reject(source.line, "duplicate_phone_number", "Phone number already in use.", source.text)
            )
        elif record.external_id is not None and record.external_id in external_ids:
            rejects.append(
                Reject(source.line, "duplicate_user_external_id", "external_id already in use.", source.text)
            )
        else:
            fresh.append((source, record))
    await _insert(db, project_id, fresh, now)
    return len(fresh), skipped, rejects


def check_chunk(lines: list[SourceLine], now: datetime) -> list[UserRecord | Reject]:
    """Each record validated, or its rejection. Pure, so that it can run in a worker process."""
    checked: list[UserRecord | Reject] = []
    for line in lines:
        if line.fields is None:
            checked.append(
                Reject(line.line, "invalid_json", "The line is not a JSON object / CSV row.", line.text)
            )
            continue
        try:
            checked.append(validate(line.fields, now=now))
        except KeystileError as error:
            checked.append(Reject(line.line, error.error_type, error.error_message, line.text))
    return checked


async def import_users(
    sessions: async_sessionmaker[Any],
    project_id: str,
    source: Iterable[SourceLine],
    *,
    now: datetime,
    on_reject: Callable[[Reject], None],
    on_batch: Callable[[], None],
    batch_size: int = DEFAULT_BATCH_SIZE,
    executor: Executor | None = None,
) -> ImportSummary:
    """Import every record of `source` into the project; rejects are reported as they are decided.

    Validation (mostly email normalisation) runs in `executor` (a process pool uses the other cores)
    while the previous batch is written, one chunk ahead."""
    summary = ImportSummary()
    seen = _Seen()
    loop = asyncio.get_running_loop()
    lines = iter(source)
    ahead: deque[tuple[list[SourceLine], asyncio.Future[list[UserRecord | Reject]]]] = deque()

    def read_ahead() -> None:
        chunk = list(islice(lines, batch_size))
        if chunk:
            ahead.append((chunk, loop.run_in_executor(executor, check_chunk, chunk, now)))

    def reject(item: Reject) -> None:
        summary.rejected += 1
        summary.reasons[item.error_type] += 1
        on_reject(item)

    async def flush(batch: Batch) -> None:
        # First as if none of the batch were in yet (a first import): the unique indexes check that
        # far more cheaply than lookups would. A conflict means a resumed import or a concurrent
        # writer: then only the users not yet in are inserted.
        try:
            async with unit_of_work(sessions) as db:
                await _insert(db, project_id, batch, now)
            summary.imported += len(batch)
            on_batch()
            return
        except IntegrityError:
            pass
        try:
            async with unit_of_work(sessions) as db:
                imported, skipped, rejects = await _insert_new(db, project_id, batch, now)
        except IntegrityError as error:
            if len(batch) == 1:
                # Someone else took this email, phone or external id since the batch looked.
                taken, source = unique_violation(error), batch[0][0]
                reject(Reject(source.line, taken.error_type, taken.error_message, source.text))
                return
            for single in batch:
                await flush([single])
            return
        summary.imported += imported
        summary.skipped += skipped
        for refused in rejects:
            reject(refused)
        on_batch()

    read_ahead()
    while ahead:
        chunk, checking = ahead.popleft()
        read_ahead()
        batch: Batch = []
        for line, result in zip(chunk, await checking, strict=True):
            summary.read += 1
            duplicate = seen.duplicate(result) if isinstance(result, UserRecord) else None
            if isinstance(result, Reject):
                reject(result)
            elif duplicate is not None:
                reject(Reject(line.line, duplicate, "An earlier record in this file has it.", line.text))
            else:
                batch.append((line, result))
        if batch:
            await flush(batch)
    return summary
