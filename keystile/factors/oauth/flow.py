"""The browser's way through a provider: `start` checks the request (redirect URLs from the allowlist,
PKCE challenge, attach token), stores the flow under a new `state` and answers the provider's
authorization URL; `finish` takes the provider's redirect back (state checked against the browser's
cookie and redeemed once), exchanges the code, verifies the ID token, signs the account's user in and
answers the app's URL with `stytch_token_type=oauth&token=…`."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from keystile import tokens
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors.oauth import client
from keystile.factors.oauth.accounts import ProviderAccount, SignedIn, account_of, sign_in
from keystile.factors.oauth.configuration import Endpoints, callback_url, endpoints
from keystile.factors.oauth.models import OAuthState, OAuthToken
from keystile.factors.oauth.providers import provider
from keystile.factors.oauth.repository import OAuthRepository, ProviderConfigRepository, config_by_callback
from keystile.ids import new_id
from keystile.projects.models import Project
from keystile.projects.service import get_project, project_by_public_token, resolve_redirect_url

FLOW_LIFETIME: Final = timedelta(minutes=10)
TENANT_IDS: Final = "provider_tenant_ids"  # their key beside the tokens stored at rest
TOKEN_LIFETIME: Final = timedelta(minutes=10)


@dataclass(frozen=True)
class StartRequest:
    """What `GET /v1/public/oauth/{provider}/start` was given (`provider_*` parameters unprefixed)."""

    provider: str
    login_redirect_url: str | None = None
    signup_redirect_url: str | None = None
    custom_scopes: str | None = None
    provider_params: Mapping[str, str] = field(default_factory=dict)
    code_challenge: str | None = None
    oauth_attach_token: str | None = None


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the state it must bring back (its cookie)."""

    authorization_url: str
    state: str


@dataclass(frozen=True)
class ProviderReturn:
    """What the provider's redirect to the callback carried, and the browser's state cookie."""

    state: str | None
    code: str | None
    error: str | None
    cookie_state: str | None


async def configured(call: Call, name: str) -> Endpoints:
    spec = provider(name)
    row = await ProviderConfigRepository(call.db, call.project_id).get(spec.name)
    if row is None:
        raise KeystileError("oauth_config_not_found")
    project = await get_project(call.db, call.project_id)
    return endpoints(row, call.keys.cipher, project.vertical)


async def _attached_user(call: Call, token: str | None, provider_name: str) -> str | None:
    if not token:
        return None
    row = await OAuthRepository(call.db, call.project_id).attach_token(token)
    if row is None or not tokens.usable(row, call.now) or row.provider != provider_name:
        raise KeystileError("invalid_oauth_attach_token")
    if not await single_use.redeem(call.db, row, call.now):
        raise KeystileError("invalid_oauth_attach_token")
    return row.user_id


@dataclass(frozen=True)
class FlowPlan:
    """A checked flow to begin: where the app wants the browser back, the app's PKCE challenge, the
    user an attach token named, and what to ask the provider for."""

    login_url: str
    signup_url: str
    code_challenge: str | None = None
    attach_user_id: str | None = None
    organization_id: str | None = None
    custom_scopes: str | None = None
    provider_params: Mapping[str, str] = field(default_factory=dict)


async def begin(call: Call, config: Endpoints, plan: FlowPlan, *, public_url: str) -> Started:
    """Store the flow under a new state and answer the provider's authorization URL."""
    scopes = list(dict.fromkeys([*config.scopes, *(plan.custom_scopes or "").split()]))
    at = await client.provider_endpoints(config)
    state, nonce, verifier = tokens.new_token(), tokens.new_token(), tokens.new_token()
    call.db.add(
        OAuthState(
            token_id=new_id("oauth-state"),
            project_id=call.project_id,
            token_digest=tokens.digest(state),
            code_challenge=plan.code_challenge,
            callback_id=config.callback_id,
            provider=config.provider.name,
            nonce=nonce,
            provider_verifier_encrypted=call.keys.cipher.encrypt(verifier.encode()).decode("ascii"),
            scopes=" ".join(scopes),
            login_redirect_url=plan.login_url,
            signup_redirect_url=plan.signup_url,
            attach_user_id=plan.attach_user_id,
            organization_id=plan.organization_id,
            created_at=call.now,
            expires_at=call.now + FLOW_LIFETIME,
        )
    )
    url = client.authorization_url(
        config,
        at,
        redirect_uri=callback_url(public_url, config.callback_id),
        scopes=scopes,
        state=state,
        nonce=nonce,
        code_verifier=verifier,
        extra=plan.provider_params,
    )
    return Started(url, state)


async def start(call: Call, *, request: StartRequest, public_url: str) -> Started:
    """Begin a flow at the provider for the project (`call`), nothing sent before every check passed."""
    config = await configured(call, request.provider)
    plan = FlowPlan(
        code_challenge=tokens.check_challenge(request.code_challenge),
        login_url=await resolve_redirect_url(call.db, call.project_id, "login", request.login_redirect_url),
        signup_url=await resolve_redirect_url(
            call.db, call.project_id, "signup", request.signup_redirect_url
        ),
        attach_user_id=await _attached_user(call, request.oauth_attach_token, config.provider.name),
        custom_scopes=request.custom_scopes,
        provider_params=request.provider_params,
    )
    return await begin(call, config, plan, public_url=public_url)


async def project_of_callback(db: AsyncSession, callback_id: str) -> Project:
    """The project whose provider configuration has this callback id (404 when none has)."""
    row = await config_by_callback(db, callback_id)
    if row is None:
        raise KeystileError("oauth_config_not_found")
    return await get_project(db, row.project_id)


async def _flow(call: Call, callback_id: str, returned: ProviderReturn) -> OAuthState:
    """The flow the redirect belongs to: its state is the browser's cookie, unused and unexpired."""
    state, cookie = returned.state or "", returned.cookie_state or ""
    if not state or not hmac.compare_digest(state.encode(), cookie.encode()):
        raise KeystileError("oauth_state_mismatch")
    row = await OAuthRepository(call.db, call.project_id).state(state)
    if row is None or row.callback_id != callback_id or not tokens.usable(row, call.now):
        raise KeystileError("oauth_state_mismatch")
    return row


@dataclass(frozen=True)
class Returned:
    """A flow the provider sent the browser back from, redeemed: the account that signed in there
    (and the provider's whole profile), and the provider's tokens."""

    flow: OAuthState
    config: Endpoints
    account: ProviderAccount
    profile: dict[str, Any]
    issued: client.ProviderTokens


async def returned_account(
    call: Call, *, callback_id: str, returned: ProviderReturn, public_url: str
) -> Returned:
    """Check the provider's redirect (state against the browser's cookie), exchange its code, verify
    the ID token or read the profile, then redeem the flow exactly once; nothing is written before."""
    flow = await _flow(call, callback_id, returned)
    if returned.error is not None:
        raise client.provider_error(returned.error)
    if not returned.code:
        raise KeystileError("oauth_provider_error", "The OAuth provider's redirect carried no code.")
    config = await configured(call, flow.provider)
    at = await client.provider_endpoints(config)
    verifier = call.keys.cipher.decrypt(flow.provider_verifier_encrypted.encode()).decode()
    redirect_uri = callback_url(public_url, callback_id)
    issued = await client.exchange_code(
        config, at, redirect_uri=redirect_uri, code=returned.code, code_verifier=verifier
    )
    if at.issuer is not None:
        assert at.jwks_uri is not None
        if not issued.id_token:
            raise KeystileError("invalid_id_token", "The OpenID Connect provider issued no ID token.")
        profile = await client.verified_id_token(
            issued.id_token,
            issuer=at.issuer,
            jwks_uri=at.jwks_uri,
            audience=config.client_id,
            nonce=flow.nonce,
            now=call.now,
        )
    else:
        profile = await client.userinfo(config, at, issued.access_token)
    account = account_of(config.provider, profile)
    if not await single_use.redeem(call.db, flow, call.now):
        raise KeystileError("oauth_state_mismatch")
    if not issued.scopes:
        issued = replace(issued, scopes=flow.scopes.split())
    return Returned(flow, config, account, profile, issued)


async def finish(call: Call, *, callback_id: str, returned: ProviderReturn, public_url: str) -> str:
    """The app URL to send the browser to after the provider's redirect: the account's user signed in."""
    done = await returned_account(call, callback_id=callback_id, returned=returned, public_url=public_url)
    flow = done.flow
    signed_in = await sign_in(call, done.config.provider, done.account, flow.attach_user_id)
    app_url = flow.signup_redirect_url if signed_in.user_created else flow.login_redirect_url
    return redirect_to_app(call, signed_in, done.issued, app_url, code_challenge=flow.code_challenge)


def encrypted_tokens(
    call: Call, issued: client.ProviderTokens, *, tenant_ids: Sequence[str] | None = None
) -> str:
    """The provider's tokens as stored at rest: JSON, encrypted with the project's cipher; with them,
    when given, the tenants the provider named for the account at that login (B2B flows: GitHub's
    organizations are many, more than a tenant column holds)."""
    provider_tokens = asdict(issued)
    if issued.expires_at is not None:
        provider_tokens["expires_at"] = issued.expires_at.isoformat()
    if tenant_ids is not None:
        provider_tokens[TENANT_IDS] = list(tenant_ids)
    return call.keys.cipher.encrypt(json.dumps(provider_tokens).encode()).decode("ascii")


def _stored(encrypted: str, call: Call) -> dict[str, Any]:
    stored = json.loads(call.keys.cipher.decrypt(encrypted.encode()))
    assert isinstance(stored, dict)
    return stored


def stored_tenant_ids(encrypted: str | None, call: Call, tenant_id: str) -> list[str]:
    """The account's tenants kept with the provider's tokens (see `encrypted_tokens`); for a login
    stored without them, its one `tenant_id`, if any."""
    kept = _stored(encrypted, call).get(TENANT_IDS) if encrypted else None
    if isinstance(kept, list):
        return [str(one) for one in kept]
    return [tenant_id] if tenant_id else []


def stored_tokens(encrypted: str, call: Call) -> client.ProviderTokens:
    """The provider's tokens stored at rest (see `flow.encrypted_tokens`)."""
    stored = _stored(encrypted, call)
    expires_at = stored.get("expires_at")
    return client.ProviderTokens(
        access_token=stored["access_token"],
        refresh_token=stored["refresh_token"],
        id_token=stored["id_token"],
        scopes=list(stored["scopes"]),
        expires_at=datetime.fromisoformat(expires_at) if expires_at else None,
    )


async def refreshed(call: Call, provider_name: str, held: client.ProviderTokens) -> client.ProviderTokens:
    """New tokens from the project's provider for the refresh token `held` has."""
    config = await configured(call, provider_name)
    return await client.refreshed_tokens(config, await client.provider_endpoints(config), held)


def redirect_to_app(
    call: Call,
    signed_in: SignedIn,
    issued: client.ProviderTokens,
    app_url: str,
    *,
    code_challenge: str | None,
) -> str:
    """`app_url` with `stytch_token_type=oauth&token=…`: a new single-use token for `oauth.authenticate`,
    stored with the provider's tokens (encrypted) and the app's PKCE challenge."""
    token = tokens.new_token()
    encrypted = encrypted_tokens(call, issued)
    call.db.add(
        OAuthToken(
            token_id=new_id("oauth-token"),
            project_id=call.project_id,
            token_digest=tokens.digest(token),
            code_challenge=code_challenge,
            user_id=signed_in.user.user_id,
            registration_id=signed_in.registration.registration_id,
            user_created=signed_in.user_created,
            email_first_proof=signed_in.email_first_proof,
            provider_tokens_encrypted=encrypted,
            created_at=call.now,
            expires_at=call.now + TOKEN_LIFETIME,
        )
    )
    return tokens.link(app_url, token, "oauth")


async def consumer_project(db: AsyncSession, public_token: str | None) -> Project:
    """The consumer project a start request names by its public token."""
    project = await project_by_public_token(db, public_token)
    if project.vertical != "consumer":
        raise KeystileError("invalid_consumer_endpoint")
    return project
