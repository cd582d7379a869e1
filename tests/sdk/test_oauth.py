"""Consumer OAuth through the official Python SDK against a real server and a real OpenID Connect
provider on loopback (configured through the CLI's issuer override): the browser's redirects walked
with httpx, `oauth.authenticate` and `oauth.attach`, the user's `providers`, the email address
behaviour, and the refusals (bad state, replayed token, wrong verifier, redirect URL off the allowlist,
ID tokens with a wrong audience or nonce) with nothing written."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stytch
from cryptography.fernet import Fernet
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.factors.oauth.models import OAuthRegistration, OAuthToken
from keystile.identity.models import User
from tests.support.magic_links import new_address
from tests.support.oidc_provider import OidcProvider, consent, oidc_provider
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project, free_port

APP = "http://localhost:3000/authenticate"


@pytest.fixture(scope="module")
def oauth_server(database_url: str, run_dir: Path) -> Iterator[KeystileServer]:
    """A server whose public URL is its own address: the callback URL it gives the provider."""
    port = free_port()
    env = {
        "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "KEYSTILE_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    engine = database_url.split(":", 1)[0]
    server = KeystileServer(database_url, run_dir / f"oauth-{engine}.log", extra_env=env, port=port).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def google() -> Iterator[OidcProvider]:
    with oidc_provider() as provider:
        yield provider


@pytest.fixture
def project(oauth_server: KeystileServer, google: OidcProvider) -> Project:
    created = oauth_server.create_project(redirect_urls=[APP])
    google.configure(oauth_server, created)
    return created


@pytest.fixture
def client(oauth_server: KeystileServer, project: Project) -> stytch.Client:
    return stytch.Client(
        project.project_id, project.secret, environment=oauth_server.base_url, suppress_warnings=True
    )


def start_url(server: KeystileServer, provider: str = "google") -> str:
    return f"{server.base_url}v1/public/oauth/{provider}/start"


def sign_in(server: KeystileServer, project: Project, sub: str, **params: str) -> str:
    """The app URL keystile sends the browser to after `sub` consented at the provider."""
    with httpx.Client() as browser:
        answer = consent(browser, start_url(server), {"public_token": project.public_token, **params}, sub)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def token_of(app_url: str) -> str:
    query = parse_qs(urlsplit(app_url).query)
    assert query["stytch_token_type"] == ["oauth"]
    return query["token"][0]


def counts(server: KeystileServer, project: Project) -> tuple[int, int, int]:
    """The project's users, OAuth registrations and OAuth tokens."""

    async def count(db: AsyncSession) -> tuple[int, int, int]:
        found = []
        for model in (User, OAuthRegistration, OAuthToken):
            query = select(func.count()).select_from(model).where(model.project_id == project.project_id)
            found.append(int(await db.scalar(query) or 0))
        return found[0], found[1], found[2]

    return run_in_transaction(Settings(database_url=server.database_url), count)


def challenge_of(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def test_sign_up_then_log_in(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, google: OidcProvider
) -> None:
    email = new_address("oauth")
    sub = f"google-{email}"
    google.set_user(sub, email=email, email_verified=True, picture="https://example.com/ada.png", locale="en")
    verifier = "v" * 50

    signup = sign_in(oauth_server, project, sub, code_challenge=challenge_of(verifier), custom_scopes="phone")
    assert signup.startswith(APP + "?")
    auth = client.oauth.authenticate(
        token=token_of(signup), code_verifier=verifier, session_duration_minutes=60
    )
    assert (auth.provider_type, auth.provider_subject) == ("google", sub)
    assert auth.provider_values.access_token and auth.provider_values.refresh_token
    assert auth.provider_values.id_token.count(".") == 2
    assert {"openid", "email", "profile", "phone"} <= set(auth.provider_values.scopes)
    assert auth.reset_sessions is False
    assert [(e.email, e.verified) for e in auth.user.emails] == [(email, True)]
    [registration] = auth.user.providers
    assert (registration.provider_type, registration.provider_subject) == ("google", sub)
    assert registration.oauth_user_registration_id == auth.oauth_user_registration_id
    assert (registration.profile_picture_url, registration.locale) == ("https://example.com/ada.png", "en")
    assert auth.user_session is not None
    [factor] = auth.user_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("oauth", "oauth_google")
    assert factor.google_oauth_factor is not None
    assert factor.google_oauth_factor.provider_subject == sub
    assert client.sessions.authenticate(session_token=auth.session_token).user.user_id == auth.user_id
    assert client.sessions.authenticate_jwt_local(session_jwt=auth.session_jwt) is not None

    # The same account again is a login of the same user, without PKCE this time.
    login = sign_in(oauth_server, project, sub)
    again = client.oauth.authenticate(token=token_of(login))
    assert again.user_id == auth.user_id and again.session_token == ""
    assert counts(oauth_server, project)[:2] == (1, 1)

    # The token is single use, and a verifier is refused for a flow started without PKCE.
    assert error_type(lambda: client.oauth.authenticate(token=token_of(login))) == "oauth_token_not_found"
    other = sign_in(oauth_server, project, sub)
    assert error_type(lambda: client.oauth.authenticate(token=token_of(other), code_verifier=verifier)) == (
        "pkce_mismatch"
    )


def test_wrong_verifier_refused_and_token_kept(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, google: OidcProvider
) -> None:
    sub = f"google-{new_address('pkce')}"
    google.set_user(sub, email=new_address("google"), email_verified=True)
    verifier = "w" * 43
    token = token_of(sign_in(oauth_server, project, sub, code_challenge=challenge_of(verifier)))
    assert (
        error_type(lambda: client.oauth.authenticate(token=token, code_verifier="x" * 43)) == "pkce_mismatch"
    )
    assert error_type(lambda: client.oauth.authenticate(token=token)) == "pkce_mismatch"
    assert client.oauth.authenticate(token=token, code_verifier=verifier).provider_subject == sub


def test_verified_email_links_existing_user_and_unverified_does_not(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, google: OidcProvider
) -> None:
    email = new_address("existing")
    existing = client.users.create(email=email)
    verified_sub, unverified_sub = f"g1-{email}", f"g2-{email}"
    google.set_user(verified_sub, email=email, email_verified=True)
    google.set_user(unverified_sub, email=email, email_verified=False)

    linked = client.oauth.authenticate(token=token_of(sign_in(oauth_server, project, verified_sub)))
    assert linked.user_id == existing.user_id
    assert linked.reset_sessions is True  # the provider proved the email for the first time
    assert [(e.email, e.verified) for e in linked.user.emails] == [(email, True)]

    # An email the provider does not vouch for neither links nor is added: a new user, no email.
    apart_url = sign_in(oauth_server, project, unverified_sub)
    apart = client.oauth.authenticate(token=token_of(apart_url))
    assert apart.user_id != existing.user_id and apart.user.emails == []


def test_attach_links_a_second_account_and_delete_registration(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, google: OidcProvider
) -> None:
    user = client.users.create(email=new_address("attach"))
    sub = f"attached-{user.user_id}"
    google.set_user(sub, email=new_address("other"), email_verified=False)
    attach = client.oauth.attach(provider="google", user_id=user.user_id)
    app_url = sign_in(oauth_server, project, sub, oauth_attach_token=attach.oauth_attach_token)
    assert app_url.startswith(APP)
    auth = client.oauth.authenticate(token=token_of(app_url), session_duration_minutes=30)
    assert auth.user_id == user.user_id
    # Used once: a second flow with the same attach token is refused before the provider is asked.
    with httpx.Client() as browser:
        again = browser.get(
            start_url(oauth_server),
            params={"public_token": project.public_token, "oauth_attach_token": attach.oauth_attach_token},
        )
    assert (again.status_code, again.json()["error_type"]) == (400, "invalid_oauth_attach_token")
    # By session, too.
    by_session = client.oauth.attach(provider="google", session_token=auth.session_token)
    assert by_session.oauth_attach_token
    assert error_type(lambda: client.oauth.attach(provider="google")) == "bad_request"

    [registration] = client.users.get(user.user_id).providers
    deleted = client.users.delete_oauth_registration(registration.oauth_user_registration_id)
    assert deleted.user.providers == []
    assert error_type(
        lambda: client.users.delete_oauth_registration(registration.oauth_user_registration_id)
    ) == ("oauth_user_registration_not_found")


def test_refusals_write_nothing(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, google: OidcProvider
) -> None:
    sub = f"refused-{new_address('refused')}"
    google.set_user(sub, email=new_address("google"), email_verified=True)
    params = {"public_token": project.public_token}
    with httpx.Client() as browser:
        # A redirect URL off the allowlist is refused before the browser leaves.
        off_list = browser.get(
            start_url(oauth_server), params={**params, "login_redirect_url": "https://evil.example/"}
        )
        assert off_list.status_code == 400 and off_list.json()["error_type"] == "invalid_magic_link_url"
        unknown = browser.get(start_url(oauth_server), params={"public_token": "public-token-test-nope"})
        assert unknown.status_code == 401

        # A state that is not the browser's cookie.
        started = browser.get(start_url(oauth_server), params=params)
        consented = browser.post(started.headers["location"], data={"sub": sub})
        callback = urlsplit(consented.headers["location"])
        tampered = callback._replace(query=callback.query.replace("state=", "state=x")).geturl()
        assert browser.get(tampered).json()["error_type"] == "oauth_state_mismatch"
        without_cookie = httpx.get(consented.headers["location"])
        assert without_cookie.json()["error_type"] == "oauth_state_mismatch"
        # The genuine redirect still works once; replayed, it is refused.
        assert browser.get(consented.headers["location"]).status_code == 302
        browser.cookies.set("keystile_oauth_state", parse_qs(callback.query)["state"][0])
        replayed = browser.get(consented.headers["location"])
        assert replayed.json()["error_type"] == "oauth_state_mismatch"
    with httpx.Client() as browser:
        # The provider's refusal.
        authorize = browser.get(start_url(oauth_server), params=params).headers["location"]
        denied = browser.post(authorize, data={"action": "deny"})
        # RFC 6749 4.1.2.1 has the error redirect carry the state; this provider leaves it out.
        state = parse_qs(urlsplit(authorize).query)["state"][0]
        refused = browser.get(f"{denied.headers['location']}&state={state}")
        assert "error=access_denied" in str(refused.request.url)
        assert refused.status_code == 400 and refused.json()["error_type"] == "oauth_provider_error"
    assert counts(oauth_server, project) == (1, 1, 1)


@pytest.mark.parametrize(
    "altered", [{"aud": "someone-else"}, {"nonce": "replayed-nonce"}, {"iss": "http://evil"}]
)
def test_id_token_with_wrong_claims_refused(
    oauth_server: KeystileServer, project: Project, google: OidcProvider, altered: dict[str, str]
) -> None:
    sub = f"forged-{new_address('forged')}"
    google.set_user(sub, email=new_address("google"), email_verified=True)
    google.altered_claims = altered
    try:
        with httpx.Client() as browser:
            answer = consent(browser, start_url(oauth_server), {"public_token": project.public_token}, sub)
    finally:
        google.altered_claims = {}
    assert (answer.status_code, answer.json()["error_type"]) == (401, "invalid_id_token")
    assert counts(oauth_server, project) == (0, 0, 0)


def test_provider_down(oauth_server: KeystileServer, project: Project) -> None:
    oauth_server.cli_json(
        "oauth", "providers", "set", "--project", project.project_id, "--provider", "google",
        "--client-id", "c", "--client-secret", "s", "--issuer", f"http://127.0.0.1:{free_port()}", "--json",
    )  # fmt: skip
    answer = httpx.get(start_url(oauth_server), params={"public_token": project.public_token})
    assert (answer.status_code, answer.json()["error_type"]) == (400, "oauth_provider_error")
    assert counts(oauth_server, project) == (0, 0, 0)


def one_tap(server: KeystileServer, project: Project, browser: httpx.Client) -> tuple[str, str]:
    """Start One Tap as Stytch's JavaScript SDK does: the callback id and the CSRF cookie's value."""
    started = browser.get(
        f"{server.base_url}v1/public/oauth/google/onetap/start", params={"public_token": project.public_token}
    )
    assert started.status_code == 200, started.text
    assert started.json()["google_client_id"] == "google-client"
    return started.json()["oauth_callback_id"], browser.cookies["stytch_csrf_private_token"]


def test_google_one_tap(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, google: OidcProvider
) -> None:
    email = new_address("onetap")
    sub = f"onetap-{email}"
    google.set_user(sub, email=email, email_verified=True)
    credential = google.id_token(sub)
    with httpx.Client() as browser:
        callback_id, csrf = one_tap(oauth_server, project, browser)
        submit = f"{oauth_server.base_url}v1/oauth/callback/{callback_id}"
        # The CSRF token must be the cookie's, in the body too.
        forged = browser.post(submit, json={"id_token": credential, "stytch_csrf_token": "x" + csrf})
        assert forged.json()["error_type"] == "oauth_state_mismatch"
        # A credential Google issued to another client is refused.
        foreign = browser.post(
            submit, json={"id_token": google.id_token(sub, client_id="other-app"), "stytch_csrf_token": csrf}
        )
        assert (foreign.status_code, foreign.json()["error_type"]) == (401, "invalid_id_token")
        assert counts(oauth_server, project) == (0, 0, 0)

        done = browser.post(submit, json={"id_token": credential, "stytch_csrf_token": csrf})
        assert done.status_code == 200, done.text
        assert done.json()["redirect_url"].startswith(APP + "?")
        # The CSRF token is used up.
        again = browser.post(submit, json={"id_token": credential, "stytch_csrf_token": csrf})
        assert again.json()["error_type"] == "oauth_state_mismatch"

    auth = client.oauth.authenticate(token=token_of(done.json()["redirect_url"]), session_duration_minutes=5)
    assert (auth.provider_type, auth.provider_subject) == ("google", sub)
    assert auth.provider_values.id_token == credential and auth.provider_values.access_token == ""
    assert [(e.email, e.verified) for e in auth.user.emails] == [(email, True)]
    assert counts(oauth_server, project) == (1, 1, 1)


def test_b2b_discovery_into_an_intermediate_session(
    oauth_server: KeystileServer, google: OidcProvider
) -> None:
    b2b_project = oauth_server.create_project(vertical="b2b", redirect_urls=[APP])
    google.configure(oauth_server, b2b_project)
    b2b = stytch.B2BClient(
        b2b_project.project_id, b2b_project.secret, environment=oauth_server.base_url, suppress_warnings=True
    )
    domain = f"{uuid.uuid4().hex[:10]}.example.org"
    organization = b2b.organizations.create(
        organization_name="Acme",
        organization_slug=domain.split(".")[0],
        email_jit_provisioning="RESTRICTED",
        email_allowed_domains=[domain],
    ).organization
    email, sub = f"ada@{domain}", f"b2b-{domain}"
    member = b2b.organizations.members.create(
        organization_id=organization.organization_id, email_address=email
    ).member
    google.set_user(sub, email=email, email_verified=True, name="Ada Lovelace", hd=domain)
    verifier = "d" * 43
    params = {"public_token": b2b_project.public_token, "pkce_code_challenge": challenge_of(verifier)}
    start = f"{oauth_server.base_url}v1/b2b/public/oauth/google/discovery/start"
    with httpx.Client() as browser:
        answer = consent(browser, start, params, sub)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["stytch_token_type"] == ["discovery_oauth"]
    token = query["token"][0]

    assert (
        error_type(lambda: b2b.oauth.discovery.authenticate(discovery_oauth_token=token)) == "pkce_mismatch"
    )
    found = b2b.oauth.discovery.authenticate(discovery_oauth_token=token, pkce_code_verifier=verifier)
    assert (found.email_address, found.provider_type, found.full_name) == (email, "google", "Ada Lovelace")
    assert (found.provider_tenant_id, found.provider_tenant_ids) == (domain, [domain])
    [discovered] = found.discovered_organizations
    assert discovered.organization is not None
    assert discovered.organization.organization_id == organization.organization_id
    assert discovered.membership is not None and discovered.membership.member is not None
    assert discovered.membership.member.member_id == member.member_id
    assert error_type(
        lambda: b2b.oauth.discovery.authenticate(discovery_oauth_token=token, pkce_code_verifier=verifier)
    ) == ("oauth_token_not_found")

    exchanged = b2b.discovery.intermediate_sessions.exchange(
        intermediate_session_token=found.intermediate_session_token,
        organization_id=organization.organization_id,
    )
    assert exchanged.member_authenticated is True and exchanged.member_id == member.member_id
    member_session = b2b.sessions.authenticate(session_token=exchanged.session_token).member_session
    assert "oauth_google" in [f.delivery_method for f in member_session.authentication_factors]
