"""The token endpoint's authorization_code and refresh_token grants: the code or refresh token and its
client are read, Authlib runs the grant, then the code is redeemed (or the refresh token rotated) by one
conditional UPDATE. A code or refresh token presented again revokes its whole family (RFC 9700 4.14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from authlib.oauth2.rfc6749.util import extract_basic_authorization

from keystile.calls import Call
from keystile.errors import CommittedRefusal
from keystile.idp import directory
from keystile.idp.models import IdpAuthorizationCode, IdpRefreshToken, IdpTokenFamily
from keystile.idp.protocol import Answer, Provider, Snapshot, Subject, oauth2_request
from keystile.idp.repository import ProviderRepository
from keystile.idp.subjects import current_subject
from keystile.ids import new_id
from keystile.tokens import digest

GRANT_TYPES: Final = frozenset({"authorization_code", "refresh_token"})
# How long an unused refresh token lasts; each refresh replaces it with a new one.
REFRESH_TOKEN_LIFETIME: Final = timedelta(days=30)


def presented_client_id(params: dict[str, Any], authorization: str | None) -> object:
    """The client id of the body, or else of HTTP Basic credentials."""
    if params.get("client_id") is not None:
        return params["client_id"]
    basic_id, _ = extract_basic_authorization({"Authorization": authorization} if authorization else {})
    return basic_id


async def subject_of(
    call: Call, subject_id: str, family: IdpTokenFamily | IdpAuthorizationCode
) -> Subject | None:
    """The subject of a code or a family as it is now, or None if it is gone."""
    found = await current_subject(call, subject_id, family.organization_id)
    if found is None:
        return None
    return Subject(
        subject_id=subject_id,
        claims=found.claims,
        family_id=family.family_id,
        organization_id=family.organization_id,
        session_id=family.session_id,
    )


async def _live(call: Call, family: IdpTokenFamily) -> bool:
    return family.revoked_at is None and await directory.still_granted(call, family)


async def _replayed(repository: ProviderRepository, family_id: str, call: Call) -> CommittedRefusal:
    await repository.revoke_family(family_id, call.now)
    return CommittedRefusal("invalid_grant", "The grant was used already: every token it issued is revoked.")


async def _snapshot(call: Call, params: dict[str, Any], authorization: str | None, issuer: str) -> Snapshot:
    repository = ProviderRepository(call.db, call.project_id)
    client = await directory.active_client(call, presented_client_id(params, authorization))
    snapshot = Snapshot(project_id=call.project_id, issuer=issuer, now=call.now, key=None, client=client)
    if client is None:
        return snapshot  # Authlib answers invalid_client; no key is read for a project nobody proved
    snapshot.key = await call.keys.signer(call.db, call.project_id, call.now)
    grant_type, code, refresh = params.get("grant_type"), params.get("code"), params.get("refresh_token")
    if grant_type == "authorization_code" and isinstance(code, str):
        row = await repository.code(code)
        if row is not None and row.consumed_at is not None:
            raise await _replayed(repository, row.family_id, call)
        if row is not None and row.expires_at > call.now:
            snapshot.code, snapshot.subject = row, await subject_of(call, row.subject_id, row)
    elif grant_type == "refresh_token" and isinstance(refresh, str):
        token = await repository.refresh_token(refresh)
        if token is not None and token.consumed_at is not None:
            raise await _replayed(repository, token.family_id, call)
        family = await repository.family(token.family_id) if token is not None else None
        if (
            token is not None
            and family is not None
            and token.expires_at > call.now
            and await _live(call, family)
        ):
            snapshot.refresh, snapshot.subject = token, await subject_of(call, family.subject_id, family)
    return snapshot


async def exchange(call: Call, params: dict[str, Any], authorization: str | None, *, issuer: str) -> Answer:
    """RFC 6749 sections 4.1.3 and 6 (with RFC 7636 and OpenID Connect): the token response, or the
    OAuth error Authlib answered."""
    snapshot = await _snapshot(call, params, authorization, issuer)
    provider = Provider(snapshot)
    answer: Answer = provider.create_token_response(oauth2_request(params, authorization))
    if answer.status != 200:
        return answer
    repository, effects, subject = (
        ProviderRepository(call.db, call.project_id),
        provider.effects,
        snapshot.subject,
    )
    assert effects.token is not None and subject is not None and snapshot.client is not None
    used = effects.redeemed or effects.rotated
    if used is not None and not await repository.redeem(used, call.now):
        raise await _replayed(repository, used.family_id, call)  # a concurrent request won
    if effects.redeemed is not None:
        repository.add(_family(effects.redeemed, call))
    if "refresh_token" in effects.token:
        repository.add(
            IdpRefreshToken(
                token_id=new_id("idp-refresh-token"),
                token_digest=digest(effects.token["refresh_token"]),
                project_id=call.project_id,
                created_at=call.now,
                expires_at=call.now + REFRESH_TOKEN_LIFETIME,
                family_id=subject.family_id,
                client_id=snapshot.client.client_id,
                scopes=effects.token["scope"].split(),
            )
        )
    return answer


def _family(code: IdpAuthorizationCode, call: Call) -> IdpTokenFamily:
    return IdpTokenFamily(
        family_id=code.family_id,
        project_id=call.project_id,
        client_id=code.client_id,
        subject_id=code.subject_id,
        organization_id=code.organization_id,
        session_id=code.session_id,
        created_at=call.now,
        revoked_at=None,
    )
