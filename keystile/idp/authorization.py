"""`idp.oauth.authorize_start` and `idp.oauth.authorize`: the app's own authorization page asks, for
its signed-in user, what a client requests and whether consent is needed, then finishes with the
redirect carrying the authorization code (or the OAuth error). Authlib validates the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, cast
from urllib.parse import parse_qs, urlsplit

from authlib.oauth2 import OAuth2Error

from keystile.calls import Call
from keystile.errors import ErrorType, KeystileError
from keystile.idp import directory
from keystile.idp.clients import IdpClient
from keystile.idp.directory import ScopeResult
from keystile.idp.models import IdpAuthorizationCode
from keystile.idp.protocol import Provider, Snapshot, Subject, oauth2_request
from keystile.idp.repository import ProviderRepository
from keystile.idp.subjects import SignedIn, signed_in_member, signed_in_user
from keystile.ids import new_id
from keystile.tokens import digest

# RFC 6749 section 4.1.2 recommends at most ten minutes.
CODE_LIFETIME: Final = timedelta(minutes=5)
# The OAuth errors the management API reports in Stytch's shape (anything else is invalid_request).
STYTCH_SHAPED: Final[frozenset[str]] = frozenset(
    {"invalid_request", "invalid_scope", "unauthorized_client", "unsupported_response_type"}
)


@dataclass(frozen=True)
class AuthorizeRequest:
    """The OAuth authorization request's parameters as the SDK passes them, and whose it is."""

    client_id: str
    redirect_uri: str
    response_type: str
    scopes: list[str]
    user_id: str | None = None
    organization_id: str | None = None
    member_id: str | None = None
    session_token: str | None = None
    session_jwt: str | None = None
    prompt: str | None = None
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "response_type": self.response_type,
            "scope": " ".join(self.scopes),
        }
        for name in ("prompt", "state", "nonce", "code_challenge"):
            if getattr(self, name) is not None:
                params[name] = getattr(self, name)
        if self.code_challenge is not None:
            params["code_challenge_method"] = "S256"  # the SDK sends none: S256 is the only one
        return params


@dataclass(frozen=True)
class Started:
    signed_in: SignedIn
    client: IdpClient
    consent_required: bool
    scope_results: list[ScopeResult]


@dataclass(frozen=True)
class Authorized:
    redirect_uri: str
    authorization_code: str | None


def refusal(error: OAuth2Error) -> KeystileError:
    """An OAuth error of the authorization request in Stytch's error shape."""
    if error.error == "invalid_client":
        return KeystileError("connected_app_not_found")
    error_type = error.error if error.error in STYTCH_SHAPED else "invalid_request"
    return KeystileError(cast(ErrorType, error_type), error.description or None)


async def _signed_in(call: Call, request: AuthorizeRequest, vertical: str) -> SignedIn:
    if vertical == "b2b":
        return await signed_in_member(
            call,
            organization_id=request.organization_id,
            member_id=request.member_id,
            session_token=request.session_token,
            session_jwt=request.session_jwt,
        )
    return await signed_in_user(
        call, user_id=request.user_id, session_token=request.session_token, session_jwt=request.session_jwt
    )


async def _validated(
    call: Call, request: AuthorizeRequest, vertical: str, *, issuing_code: bool
) -> tuple[SignedIn, Provider, Any, dict[str, str]]:
    """The signed-in subject and the request as Authlib validated it (raising its `OAuth2Error`)."""
    custom = await directory.custom_scopes(call, vertical)
    client = await directory.active_client(call, request.client_id, custom)
    if client is None:
        raise KeystileError("connected_app_not_found")
    signed_in = await _signed_in(call, request, vertical)
    subject = Subject(
        subject_id=signed_in.subject_id,
        claims=signed_in.claims,
        family_id=new_id("idp-token-family"),
        organization_id=signed_in.organization_id,
        session_id=signed_in.session_id,
    )
    snapshot = Snapshot(
        project_id=call.project_id,
        issuer="",
        now=call.now,
        key=None,
        client=client,
        subject=subject,
        scopes_supported=tuple(sorted(client.allowed_scopes)) if client else (),
        issuing_code=issuing_code,
    )
    provider = Provider(snapshot)
    grant = provider.get_consent_grant(oauth2_request(request.params()), end_user=subject)
    return signed_in, provider, grant, custom


async def start(call: Call, request: AuthorizeRequest, *, vertical: str = "consumer") -> Started:
    """The client and the scopes of a valid authorization request, and whether consent is needed."""
    try:
        signed_in, provider, grant, custom = await _validated(call, request, vertical, issuing_code=False)
    except OAuth2Error as error:
        raise refusal(error) from error
    client = provider.snapshot.client
    assert client is not None, "a valid request names an active client"
    scopes = grant.request.scope.split() if grant.request.scope else []
    required = await directory.consent_required(
        call, client, signed_in.subject_id, scopes, prompt=request.prompt
    )
    return Started(signed_in, client, required, directory.scope_results(scopes, custom))


async def authorize(
    call: Call, request: AuthorizeRequest, *, consent_granted: bool, vertical: str = "consumer"
) -> Authorized:
    """The redirect back to the client: with a code when the user consented (or needs not), with
    `access_denied` otherwise. The code is stored as its digest, bound to the client, redirect URI,
    scopes, PKCE challenge and nonce."""
    try:
        signed_in, provider, grant, _ = await _validated(call, request, vertical, issuing_code=True)
    except OAuth2Error as error:
        if error.redirect_uri is None:  # no redirect URI of the client's to send the error to
            raise refusal(error) from error
        _, _, headers = error()
        return Authorized(dict(headers)["Location"], None)
    client, subject = provider.snapshot.client, provider.snapshot.subject
    assert client is not None and subject is not None, "a valid request names an active client"
    scopes = grant.request.scope.split() if grant.request.scope else []
    answer = provider.create_authorization_response(
        grant.request, grant_user=subject if consent_granted else None, grant=grant
    )
    location = answer.headers.get("Location")
    if location is None:  # an error Authlib could not redirect
        raise KeystileError("invalid_request", str(answer.body.get("error_description", "")) or None)
    code = provider.effects.code
    if code is None:
        return Authorized(location, None)
    if consent_granted:
        await directory.record_consent(call, client, subject.subject_id, subject.organization_id, scopes)
    stored = provider.effects.code_request
    ProviderRepository(call.db, call.project_id).add(
        IdpAuthorizationCode(
            token_id=new_id("idp-authorization-code"),
            token_digest=digest(code),
            project_id=call.project_id,
            created_at=call.now,
            expires_at=call.now + CODE_LIFETIME,
            family_id=subject.family_id,
            client_id=client.client_id,
            subject_id=subject.subject_id,
            organization_id=subject.organization_id,
            session_id=signed_in.session_id,
            redirect_uri=stored["redirect_uri"],
            scopes=stored["scopes"],
            code_challenge=stored["code_challenge"],
            nonce=stored["nonce"],
            auth_time=call.now,
        )
    )
    return Authorized(location, _query_value(location, "code"))


def _query_value(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None
