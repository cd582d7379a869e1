"""Use cases for administering Connected Apps clients: create, read, search, update, delete, rotate
secrets, and check a client's credentials (for the authorization server's token endpoint)."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.calls import Call
from keystile.connected_apps import grants, settings
from keystile.connected_apps.models import ConnectedAppClient
from keystile.connected_apps.repository import ClientRepository
from keystile.errors import KeystileError
from keystile.ids import new_id
from keystile.search_operands import check_limit, decode_cursor, encode_cursor
from keystile.tokens import digest, digest_matches, new_token

MAX_NAME_LENGTH = 256
MAX_DESCRIPTION_LENGTH = 1024
MAX_AUDIENCE_LENGTH = 512


@dataclass(frozen=True, kw_only=True)
class ClientChanges:
    """What a caller may change on a client (not its type, id or secrets); None leaves a field as it is."""

    client_name: str | None = None
    client_description: str | None = None
    redirect_urls: list[str] | None = None
    full_access_allowed: bool | None = None
    access_token_expiry_minutes: int | None = None
    access_token_custom_audience: str | None = None
    access_token_template_content: str | None = None
    post_logout_redirect_urls: list[str] | None = None
    logo_url: str | None = None
    bypass_consent_for_offline_access: bool | None = None
    id_token_template_content: str | None = None


@dataclass(frozen=True, kw_only=True)
class NewClient(ClientChanges):
    """What a caller sets when creating a client; the id (and a confidential client's secret) are
    generated."""

    client_type: str


@dataclass(frozen=True)
class ClientWithSecret:
    """A client with a plaintext secret shown this once (None for a public client)."""

    client: ConnectedAppClient
    secret: str | None


@dataclass(frozen=True)
class SearchPage:
    results: list[ConnectedAppClient]
    total: int
    next_cursor: str | None


def is_public(client: ConnectedAppClient) -> bool:
    return client.client_type in settings.PUBLIC_TYPES


def _apply(client: ConnectedAppClient, changes: ClientChanges) -> None:
    """Set on `client` every field `changes` gives, each checked."""
    if changes.client_name is not None:
        client.client_name = settings.check_text(
            changes.client_name, field="client_name", limit=MAX_NAME_LENGTH
        )
    if changes.client_description is not None:
        client.client_description = settings.check_text(
            changes.client_description, field="client_description", limit=MAX_DESCRIPTION_LENGTH
        )
    if changes.redirect_urls is not None:
        client.redirect_urls = settings.check_redirect_urls(changes.redirect_urls)
    if changes.post_logout_redirect_urls is not None:
        client.post_logout_redirect_urls = settings.check_redirect_urls(changes.post_logout_redirect_urls)
    if changes.full_access_allowed is not None:
        client.full_access_allowed = changes.full_access_allowed
    if changes.bypass_consent_for_offline_access is not None:
        client.bypass_consent_for_offline_access = changes.bypass_consent_for_offline_access
    if changes.access_token_expiry_minutes is not None:
        client.access_token_expiry_minutes = settings.check_access_token_minutes(
            changes.access_token_expiry_minutes
        )
    if changes.access_token_custom_audience is not None:
        audience = settings.check_text(
            changes.access_token_custom_audience,
            field="access_token_custom_audience",
            limit=MAX_AUDIENCE_LENGTH,
        )
        client.access_token_custom_audience = audience or None
    if changes.access_token_template_content is not None:
        client.access_token_template_content = settings.check_template(
            changes.access_token_template_content, field="access_token_template_content"
        )
    if changes.id_token_template_content is not None:
        client.id_token_template_content = settings.check_template(
            changes.id_token_template_content, field="id_token_template_content"
        )
    if changes.logo_url is not None:
        client.logo_url = settings.check_logo_url(changes.logo_url)
    settings.check_first_party_only(
        client.client_type,
        full_access_allowed=client.full_access_allowed,
        bypass_consent=client.bypass_consent_for_offline_access,
    )


async def create_client(call: Call, new: NewClient, *, creation_method: str = "api") -> ClientWithSecret:
    """Create a client; a confidential one gets a secret, shown in this answer only."""
    client = ConnectedAppClient(
        project_id=call.project_id,
        client_id=new_id("connected-app"),
        client_type=settings.check_client_type(new.client_type),
        client_name="",
        client_description="",
        status="active",
        redirect_urls=[],
        post_logout_redirect_urls=[],
        full_access_allowed=False,
        access_token_expiry_minutes=settings.DEFAULT_ACCESS_TOKEN_MINUTES,
        access_token_custom_audience=None,
        access_token_template_content="",
        id_token_template_content="",
        bypass_consent_for_offline_access=False,
        logo_url=None,
        creation_method=creation_method,
        created_at=call.now,
    )
    _apply(client, new)
    secret = None if is_public(client) else new_token()
    if secret is not None:
        client.secret_digest, client.secret_last_four = digest(secret), secret[-4:]
    await ClientRepository(call.db, call.project_id).insert(client)
    return ClientWithSecret(client, secret)


async def _existing(call: Call, client_id: str, *, for_update: bool) -> ConnectedAppClient:
    client = await ClientRepository(call.db, call.project_id).get(client_id, for_update=for_update)
    if client is None:
        raise KeystileError("connected_app_not_found")
    return client


async def get_client(call: Call, client_id: str) -> ConnectedAppClient:
    return await _existing(call, client_id, for_update=False)


async def search_clients(call: Call, *, cursor: str | None, limit: int | None) -> SearchPage:
    """A page of the project's clients in creation order, with a cursor for the next page if any."""
    page_size = check_limit(limit)
    found, total = await ClientRepository(call.db, call.project_id).search(
        after=decode_cursor(cursor), limit=page_size + 1
    )
    last = found[page_size - 1] if len(found) > page_size else None
    next_cursor = encode_cursor(last.created_at, last.client_id) if last is not None else None
    return SearchPage(found[:page_size], total, next_cursor)


async def update_client(call: Call, client_id: str, changes: ClientChanges) -> ConnectedAppClient:
    client = await _existing(call, client_id, for_update=True)
    _apply(client, changes)
    await call.db.flush()
    return client


async def delete_client(call: Call, client_id: str) -> None:
    """Delete a client and every grant to it, with what was issued under them."""
    if not await ClientRepository(call.db, call.project_id).delete(client_id):
        raise KeystileError("connected_app_not_found")
    await grants.revoke_client_grants(call, client_id)


async def _confidential(call: Call, client_id: str) -> ConnectedAppClient:
    client = await _existing(call, client_id, for_update=True)
    if is_public(client):
        raise KeystileError("connected_app_public_client_secret")
    return client


async def start_secret_rotation(call: Call, client_id: str) -> ClientWithSecret:
    """Give the client a next secret; until the rotation completes or is cancelled, both secrets
    authenticate. Starting again replaces a next secret that was never put to use."""
    client = await _confidential(call, client_id)
    secret = new_token()
    client.next_secret_digest, client.next_secret_last_four = digest(secret), secret[-4:]
    await call.db.flush()
    return ClientWithSecret(client, secret)


async def complete_secret_rotation(call: Call, client_id: str) -> ConnectedAppClient:
    """The next secret becomes the only secret; the old one authenticates no more."""
    client = await _confidential(call, client_id)
    if client.next_secret_digest is None:
        raise KeystileError("connected_app_not_rotating_secret")
    client.secret_digest, client.secret_last_four = client.next_secret_digest, client.next_secret_last_four
    client.next_secret_digest = client.next_secret_last_four = None
    await call.db.flush()
    return client


async def cancel_secret_rotation(call: Call, client_id: str) -> ConnectedAppClient:
    """Forget the next secret; the current one stays the only secret."""
    client = await _confidential(call, client_id)
    if client.next_secret_digest is None:
        raise KeystileError("connected_app_not_rotating_secret")
    client.next_secret_digest = client.next_secret_last_four = None
    await call.db.flush()
    return client


def secret_authenticates(client: ConnectedAppClient, presented: str) -> bool:
    """Whether `presented` is the client's secret (or, mid-rotation, its next secret), compared in
    constant time. Public clients have none: always False."""
    return digest_matches(presented, client.secret_digest, client.next_secret_digest)


async def authenticate_client(
    call: Call, client_id: str, client_secret: str | None
) -> ConnectedAppClient | None:
    """The project's active client `client_id` if `client_secret` is its secret (a confidential
    client) or is absent (a public client, which proves itself with PKCE instead); None otherwise, the
    same for an unknown id and a wrong secret (the token endpoint answers `invalid_client`)."""
    client = await ClientRepository(call.db, call.project_id).get(client_id)
    if client is None or client.status != "active":
        return None
    authenticated = (
        is_public(client) if client_secret is None else secret_authenticates(client, client_secret)
    )
    return client if authenticated else None
