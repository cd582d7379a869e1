"""Use cases for administering M2M clients: create (or import), read, search, update, delete, rotate
secrets, and set the project's claims template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.calls import Call
from keystile.errors import ErrorType, KeystileError
from keystile.ids import is_well_formed_id, new_id
from keystile.m2m import access_tokens, claims, search, secrets
from keystile.m2m.models import M2MClaimsTemplate, M2MClient
from keystile.m2m.repository import ClaimsTemplateRepository, M2MClientRepository
from keystile.metadata import check_metadata
from keystile.projects.service import get_project
from keystile.search_operands import check_limit, decode_cursor, encode_cursor, parse_search
from keystile.text import has_control_characters

STATUSES = ("active", "inactive")
MAX_NAME_LENGTH = 256
MAX_DESCRIPTION_LENGTH = 1024


@dataclass(frozen=True)
class NewClient:
    """What a caller may set when creating a client; an id and secret are generated unless given."""

    scopes: list[str]
    client_id: str | None = None
    client_secret: str | None = None
    client_name: str | None = None
    client_description: str | None = None
    trusted_metadata: dict[str, Any] | None = None


@dataclass(frozen=True)
class ClientChanges:
    """What a caller may change on a client; None leaves a field as it is."""

    client_name: str | None = None
    client_description: str | None = None
    status: str | None = None
    scopes: list[str] | None = None
    trusted_metadata: dict[str, Any] | None = None


@dataclass(frozen=True)
class ClientWithSecret:
    """A client with a plaintext secret that is shown this once (its current or its next secret)."""

    client: M2MClient
    secret: str


@dataclass(frozen=True)
class SearchPage:
    results: list[M2MClient]
    total: int
    next_cursor: str | None


@dataclass
class ImportReport:
    """Client ids imported, skipped (with why) and refused (with why)."""

    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _text(value: str | None, *, limit: int, error_type: ErrorType) -> str:
    if value is None:
        return ""
    if len(value) > limit or has_control_characters(value):
        raise KeystileError(error_type)
    return value


def _client_id(value: str | None) -> str:
    if value is None:
        return new_id("m2m-client")
    if not is_well_formed_id(value):
        raise KeystileError("m2m_client_invalid_client_id")
    return value


def _build_client(project_id: str, new: NewClient, *, now: datetime) -> ClientWithSecret:
    """A valid client row for `new` (not yet added), with its plaintext secret."""
    client_id = _client_id(new.client_id)
    secret = (
        secrets.check_imported_secret(new.client_secret)
        if new.client_secret is not None
        else secrets.new_client_secret()
    )
    client = M2MClient(
        project_id=project_id,
        client_id=client_id,
        client_name=_text(
            new.client_name, limit=MAX_NAME_LENGTH, error_type="m2m_client_invalid_client_name"
        ),
        client_description=_text(
            new.client_description,
            limit=MAX_DESCRIPTION_LENGTH,
            error_type="m2m_client_invalid_client_description",
        ),
        status="active",
        scopes=access_tokens.check_scopes(new.scopes),
        # The users' metadata rules (bounded size and depth, finite numbers) hold for clients too.
        trusted_metadata=check_metadata(new.trusted_metadata),
        secret_digest=secrets.secret_digest(secret),
        secret_last_four=secret[-4:],
        next_secret_digest=None,
        next_secret_last_four=None,
        created_at=now,
    )
    return ClientWithSecret(client, secret)


async def _insert(db: AsyncSession, project_id: str, clients: list[M2MClient]) -> None:
    if not await M2MClientRepository(db, project_id).insert(clients):
        # Another request took the same client_id between check and insert.
        raise KeystileError("duplicate_m2m_client_id")


async def create_client(call: Call, new: NewClient) -> ClientWithSecret:
    """Create a client; a caller-chosen client_id must be free in the project, and a caller-chosen
    secret must be strong enough to be a credential."""
    created = _build_client(call.project_id, new, now=call.now)
    if await M2MClientRepository(call.db, call.project_id).get(created.client.client_id) is not None:
        raise KeystileError("duplicate_m2m_client_id")
    await _insert(call.db, call.project_id, [created.client])
    return created


async def import_clients(
    db: AsyncSession, project_id: str, clients: list[NewClient], *, now: datetime
) -> ImportReport:
    """Create every client of an import with its own id and secret, or none of them: the report lists
    what was refused and why. A client already imported with the same secret is skipped, so an
    import can be run again."""
    await get_project(db, project_id)
    repo = M2MClientRepository(db, project_id)
    report = ImportReport()
    rows: dict[str, M2MClient] = {}
    for new in clients:
        name = new.client_id or ""
        try:
            row = _build_client(project_id, new, now=now).client
        except KeystileError as error:
            report.refused.append((name, error.error_message))
            continue
        existing = await repo.get(row.client_id)
        if row.client_id in rows:
            report.refused.append((name, "The client_id appears twice in the import."))
        elif existing is None:
            rows[row.client_id] = row
        elif new.client_secret is not None and secrets.secret_matches(
            new.client_secret, existing.secret_digest, existing.next_secret_digest
        ):
            report.skipped.append((name, "already imported"))
        else:
            report.refused.append((name, "The client_id is taken by a client with another secret."))
    if not report.refused:
        await _insert(db, project_id, list(rows.values()))
        report.imported.extend(rows)
    return report


async def _existing(call: Call, client_id: str, *, for_update: bool) -> M2MClient:
    client = await M2MClientRepository(call.db, call.project_id).get(client_id, for_update=for_update)
    if client is None:
        raise KeystileError("m2m_client_not_found")
    return client


async def get_client(call: Call, client_id: str) -> M2MClient:
    return await _existing(call, client_id, for_update=False)


async def search_clients(
    call: Call,
    *,
    query: dict[str, Any] | None,
    cursor: str | None,
    limit: int | None,
) -> SearchPage:
    """A page of clients matching `query`, with a cursor for the next page when there is one."""
    page_size = check_limit(limit)
    found, total = await M2MClientRepository(call.db, call.project_id).search(
        parse_search(query, search.FILTERS), after=decode_cursor(cursor), limit=page_size + 1
    )
    last = found[page_size - 1] if len(found) > page_size else None
    next_cursor = encode_cursor(last.created_at, last.client_id) if last is not None else None
    return SearchPage(found[:page_size], total, next_cursor)


async def update_client(call: Call, client_id: str, changes: ClientChanges) -> M2MClient:
    client = await _existing(call, client_id, for_update=True)
    if changes.client_name is not None:
        client.client_name = _text(
            changes.client_name, limit=MAX_NAME_LENGTH, error_type="m2m_client_invalid_client_name"
        )
    if changes.client_description is not None:
        client.client_description = _text(
            changes.client_description,
            limit=MAX_DESCRIPTION_LENGTH,
            error_type="m2m_client_invalid_client_description",
        )
    if changes.status is not None:
        if changes.status not in STATUSES:
            raise KeystileError("m2m_client_invalid_status")
        client.status = changes.status
    if changes.scopes is not None:
        client.scopes = access_tokens.check_scopes(changes.scopes)
    if changes.trusted_metadata is not None:
        client.trusted_metadata = check_metadata(changes.trusted_metadata)
    await call.db.flush()
    return client


async def delete_client(call: Call, client_id: str) -> None:
    """Delete a client: its secrets get no more tokens (tokens already issued live out their hour)."""
    if not await M2MClientRepository(call.db, call.project_id).delete(client_id):
        raise KeystileError("m2m_client_not_found")


async def start_secret_rotation(call: Call, client_id: str) -> ClientWithSecret:
    """Give the client a next secret; until the rotation completes or is cancelled, both secrets get
    tokens. Starting again replaces a next secret that was never put to use."""
    client = await _existing(call, client_id, for_update=True)
    secret = secrets.new_client_secret()
    client.next_secret_digest = secrets.secret_digest(secret)
    client.next_secret_last_four = secret[-4:]
    await call.db.flush()
    return ClientWithSecret(client, secret)


async def complete_secret_rotation(call: Call, client_id: str) -> M2MClient:
    """The next secret becomes the only secret; the old one gets no more tokens."""
    client = await _existing(call, client_id, for_update=True)
    if client.next_secret_digest is None or client.next_secret_last_four is None:
        raise KeystileError("m2m_client_not_rotating_secret")
    client.secret_digest, client.secret_last_four = client.next_secret_digest, client.next_secret_last_four
    client.next_secret_digest = client.next_secret_last_four = None
    await call.db.flush()
    return client


async def cancel_secret_rotation(call: Call, client_id: str) -> M2MClient:
    """Forget the next secret; the current one stays the only secret."""
    client = await _existing(call, client_id, for_update=True)
    if client.next_secret_digest is None:
        raise KeystileError("m2m_client_not_rotating_secret")
    client.next_secret_digest = client.next_secret_last_four = None
    await call.db.flush()
    return client


async def set_claims_template(
    db: AsyncSession, project_id: str, template: str | None, *, now: datetime
) -> None:
    """Set the project's custom claims template for M2M tokens, or remove it (None)."""
    await get_project(db, project_id)
    repo = ClaimsTemplateRepository(db, project_id)
    if template is None:
        await repo.delete()
        return
    checked = claims.check_template(template)
    existing = await repo.get()
    if existing is None:
        db.add(M2MClaimsTemplate(project_id=project_id, template=checked, updated_at=now))
    else:
        existing.template, existing.updated_at = checked, now
    await db.flush()


async def get_claims_template(db: AsyncSession, project_id: str) -> str | None:
    await get_project(db, project_id)
    existing = await ClaimsTemplateRepository(db, project_id).get()
    return None if existing is None else existing.template
