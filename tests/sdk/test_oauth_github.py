"""Consumer GitHub login through the official Python SDK against a real server and the plain OAuth 2.0
provider on loopback standing in for GitHub (configured through the CLI's endpoint overrides): sign-up
then login with the provider's access token and no ID token, the email address behaviour (only the
primary verified address of `/user/emails` is added and links to an existing user; an unverified one,
or the public profile email, neither links nor is added), and a token exchange the provider refuses
(GitHub's 200 with an error) ending in a Stytch error with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stytch

from tests.sdk.test_oauth import APP, challenge_of, counts, oauth_server, token_of
from tests.support.github_provider import GithubProvider, authorize, github_provider
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project

__all__ = ["oauth_server"]  # the consumer OAuth tests' server, shared


@pytest.fixture(scope="module")
def github() -> Iterator[GithubProvider]:
    with github_provider() as provider:
        yield provider


@pytest.fixture
def project(oauth_server: KeystileServer, github: GithubProvider) -> Project:
    created = oauth_server.create_project(redirect_urls=[APP])
    github.configure(oauth_server, created)
    return created


@pytest.fixture
def client(oauth_server: KeystileServer, project: Project) -> stytch.Client:
    return stytch.Client(
        project.project_id, project.secret, environment=oauth_server.base_url, suppress_warnings=True
    )


def start_url(server: KeystileServer) -> str:
    return f"{server.base_url}v1/public/oauth/github/start"


def sign_in(server: KeystileServer, project: Project, login: str, **params: str) -> str:
    """The app URL keystile sends the browser to after `login` authorized the app at GitHub."""
    with httpx.Client() as browser:
        answer = authorize(
            browser, start_url(server), {"public_token": project.public_token, **params}, login
        )
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def test_sign_up_then_log_in(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, github: GithubProvider
) -> None:
    email = new_address("octocat")
    login = email.split("@")[0]
    account = github.add_account(
        login, (new_address("old"), False, True), (email, True, True), name="Mona Lisa Octocat"
    )
    verifier = "g" * 43
    signup = sign_in(oauth_server, project, login, code_challenge=challenge_of(verifier))
    auth = client.oauth.authenticate(
        token=token_of(signup), code_verifier=verifier, session_duration_minutes=60
    )
    assert (auth.provider_type, auth.provider_subject) == ("github", str(account.id))
    assert auth.provider_values.access_token.startswith("gho_")
    assert auth.provider_values.id_token == "" and auth.provider_values.refresh_token == ""
    assert set(auth.provider_values.scopes) == {"read:user", "user:email"}
    assert auth.provider_values.expires_at is None
    # Only the primary verified address is the user's (the other verified one is not).
    assert [(e.email, e.verified) for e in auth.user.emails] == [(email, True)]
    [registration] = auth.user.providers
    assert (registration.provider_type, registration.provider_subject) == ("github", str(account.id))
    assert registration.profile_picture_url == f"https://avatars.githubusercontent.com/u/{account.id}?v=4"
    assert auth.user_session is not None
    [factor] = auth.user_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("oauth", "oauth_github")
    assert factor.github_oauth_factor is not None
    assert factor.github_oauth_factor.provider_subject == str(account.id)
    assert client.sessions.authenticate(session_token=auth.session_token).user.user_id == auth.user_id

    # The same account again is a login of the same user, with a new access token.
    again = client.oauth.authenticate(token=token_of(sign_in(oauth_server, project, login)))
    assert again.user_id == auth.user_id
    assert again.provider_values.access_token not in ("", auth.provider_values.access_token)
    assert counts(oauth_server, project)[:2] == (1, 1)


def test_verified_primary_email_links_an_existing_user(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, github: GithubProvider
) -> None:
    email = new_address("existing")
    existing = client.users.create(email=email)
    github.add_account(f"linked-{existing.user_id}", (email, True, True))
    linked = client.oauth.authenticate(
        token=token_of(sign_in(oauth_server, project, f"linked-{existing.user_id}"))
    )
    assert linked.user_id == existing.user_id
    assert linked.reset_sessions is True  # GitHub proved the address for the first time
    assert [(e.email, e.verified) for e in linked.user.emails] == [(email, True)]
    assert [p.provider_type for p in linked.user.providers] == ["github"]


@pytest.mark.parametrize(
    "emails",
    [
        pytest.param([("victim", True, False)], id="primary-unverified"),
        pytest.param([("victim", False, True), ("other", True, False)], id="verified-not-primary"),
        pytest.param([], id="no-listed-email"),
    ],
)
def test_an_address_github_does_not_vouch_for_neither_links_nor_is_added(
    oauth_server: KeystileServer,
    project: Project,
    client: stytch.Client,
    github: GithubProvider,
    emails: list[tuple[str, bool, bool]],
) -> None:
    email = new_address("victim")
    existing = client.users.create(email=email)
    login = f"claimer-{existing.user_id}"
    listed = [
        (email if who == "victim" else new_address(who), primary, verified)
        for who, primary, verified in emails
    ]
    # The public profile email is the existing user's too: GitHub vouches for nothing there.
    github.add_account(login, *listed, email=email)
    apart = client.oauth.authenticate(token=token_of(sign_in(oauth_server, project, login)))
    assert apart.user_id != existing.user_id
    assert apart.user.emails == []
    assert client.users.get(existing.user_id).providers == []


def test_attach_github_to_a_signed_in_user(
    oauth_server: KeystileServer, project: Project, client: stytch.Client, github: GithubProvider
) -> None:
    user = client.users.create(email=new_address("attach"))
    login = f"attach-{user.user_id}"
    github.add_account(login, (new_address("elsewhere"), True, False))
    attach = client.oauth.attach(provider="github", user_id=user.user_id)
    app_url = sign_in(oauth_server, project, login, oauth_attach_token=attach.oauth_attach_token)
    auth = client.oauth.authenticate(token=token_of(app_url))
    assert auth.user_id == user.user_id and auth.provider_type == "github"
    assert [p.provider_type for p in client.users.get(user.user_id).providers] == ["github"]


def test_refused_token_exchange_writes_nothing(oauth_server: KeystileServer, github: GithubProvider) -> None:
    project = oauth_server.create_project(redirect_urls=[APP])
    github.configure(oauth_server, project, client_secret="not-the-secret")
    login = f"refused-{project.project_id}"
    github.add_account(login, (new_address("refused"), True, True))
    with httpx.Client() as browser:
        answer = authorize(browser, start_url(oauth_server), {"public_token": project.public_token}, login)
    assert (answer.status_code, answer.json()["error_type"]) == (400, "oauth_provider_error")
    # GitHub's consent form's Cancel comes back as access_denied, with the state.
    github.configure(oauth_server, project)
    with httpx.Client() as browser:
        started = browser.get(start_url(oauth_server), params={"public_token": project.public_token})
        denied = browser.post(started.headers["location"], data={"action": "deny"})
        assert parse_qs(urlsplit(denied.headers["location"]).query)["error"] == ["access_denied"]
        refused = browser.get(denied.headers["location"])
    assert (refused.status_code, refused.json()["error_type"]) == (400, "oauth_provider_error")
    assert counts(oauth_server, project) == (0, 0, 0)
