"""OAuth through the official Node SDK (tests/node/scenarios/oauth_flow.mjs, b2b_oauth.mjs) against a
real server and the loopback providers, the browser's way walked here with httpx: a consumer GitHub
sign-up then Google attached to the same user, and a B2B GitHub login into an organization."""

from __future__ import annotations

import uuid

import stytch

from tests.sdk.test_b2b_oauth_github import github_login
from tests.sdk.test_oauth import APP, challenge_of, google, oauth_server, sign_in, token_of
from tests.sdk.test_oauth_github import github
from tests.sdk.test_oauth_github import sign_in as github_sign_in
from tests.support.github_provider import GithubProvider
from tests.support.magic_links import new_address
from tests.support.node_sdk import run_node_scenario
from tests.support.oidc_provider import OidcProvider
from tests.support.server import KeystileServer

__all__ = ["github", "google", "oauth_server"]  # the consumer tests' module fixtures, shared


def test_consumer_login_then_attach(
    oauth_server: KeystileServer, github: GithubProvider, google: OidcProvider
) -> None:
    project = oauth_server.create_project(redirect_urls=[APP])
    github.configure(oauth_server, project)
    google.configure(oauth_server, project)
    email = new_address("node-octo")
    login = email.split("@")[0]
    account = github.add_account(login, (email, True, True))
    verifier = "n" * 43
    login_token = token_of(
        github_sign_in(oauth_server, project, login, code_challenge=challenge_of(verifier))
    )

    steps = run_node_scenario(
        oauth_server,
        project,
        "oauth_flow",
        OAUTH_PHASE="login",
        LOGIN_TOKEN=login_token,
        CODE_VERIFIER=verifier,
    )["steps"]
    signed_in = steps["login"]
    assert (signed_in["provider_type"], signed_in["provider_subject"]) == ("github", str(account.id))
    assert signed_in["provider_values"]["access_token"].startswith("gho_")
    assert signed_in["provider_values"]["id_token"] == ""
    assert [e["email"] for e in signed_in["user"]["emails"]] == [email]
    assert steps["login_again"]["error_type"] == "oauth_token_not_found"
    assert steps["session"]["session"]["user_id"] == signed_in["user_id"]

    sub = f"node-google-{signed_in['user_id']}"
    google.set_user(sub, email=new_address("node-google"), email_verified=True)
    attach_url = sign_in(oauth_server, project, sub, oauth_attach_token=steps["attach"]["oauth_attach_token"])
    steps = run_node_scenario(
        oauth_server, project, "oauth_flow", OAUTH_PHASE="attached",
        ATTACH_TOKEN=token_of(attach_url), USER_ID=signed_in["user_id"],
    )["steps"]  # fmt: skip
    attached = steps["attached"]
    assert (attached["user_id"], attached["provider_type"], attached["provider_subject"]) == (
        signed_in["user_id"], "google", sub,
    )  # fmt: skip
    assert attached["provider_values"]["id_token"].count(".") == 2
    providers = {(p["provider_type"], p["provider_subject"]) for p in steps["user"]["providers"]}
    assert providers == {("github", str(account.id)), ("google", sub)}


def test_b2b_login(oauth_server: KeystileServer, github: GithubProvider) -> None:
    project = oauth_server.create_project(vertical="b2b", redirect_urls=[APP])
    github.configure(oauth_server, project)
    b2b = stytch.B2BClient(
        project.project_id, project.secret, environment=oauth_server.base_url, suppress_warnings=True
    )
    domain = f"{uuid.uuid4().hex[:10]}.example.org"
    organization = b2b.organizations.create(
        organization_name="Acme", organization_slug=domain.split(".")[0]
    ).organization
    email = f"hubot@{domain}"
    member = b2b.organizations.members.create(
        organization_id=organization.organization_id, email_address=email
    ).member
    account = github.add_account(f"hubot-{domain}", (email, True, True))
    verifier = "b" * 43
    answer = github_login(
        oauth_server, project, account.login, organization_id=organization.organization_id,
        pkce_code_challenge=challenge_of(verifier),
    )  # fmt: skip
    assert answer.status_code == 302, answer.text

    steps = run_node_scenario(
        oauth_server, project, "b2b_oauth", OAUTH_TOKEN=token_of(answer.headers["location"]),
        CODE_VERIFIER=verifier, ORGANIZATION_ID=organization.organization_id,
    )["steps"]  # fmt: skip
    done = steps["authenticate"]
    assert done["member_authenticated"] is True and done["member_id"] == member.member_id
    assert (done["provider_type"], done["provider_subject"]) == ("github", str(account.id))
    assert "oauth_github" in [f["delivery_method"] for f in done["member_session"]["authentication_factors"]]
    assert steps["session"]["member"]["member_id"] == member.member_id
    assert steps["again"]["error_type"] == "oauth_token_not_found"
    [registration] = steps["github_tokens"]["registrations"]
    assert registration["access_token"] == done["provider_values"]["access_token"]
