"""Stytch's own browser SDK, the published `@stytch/vanilla-js` (tests/browser_sdk), in Chromium against
keystile over HTTPS on a host name: the headless client signs in by email magic link (the link read
from the dev inbox) and by password, reads `users.me` and `session.getTokens`, and the official Python
SDK accepts the resulting sessions on the backend; its `idp.oauthAuthorizeStart` / `oauthAuthorizeSubmit`
show a Connected App's consent request and answer the redirect whose code the app exchanges (PKCE); and
its `idp.oauthLogoutStart` checks a Connected App's logout request before the page ends its session."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from stytch.core.response_base import StytchError

from tests.e2e.apps import save_screenshot
from tests.e2e.vanilla import HOST, accepted_by_backend, authorization_request, id_token_of, link_in_dev_inbox
from tests.support.magic_links import new_address, token_of
from tests.support.server import KeystileServer, Project

PASSWORD = "correct-horse-battery-staple-9"


def in_page(page: Page, script: str, **args: Any) -> Any:
    """`script`, an async function body, run in the page with a client for `args["public_token"]`."""
    return page.evaluate(
        f"""async (args) => {{
            window.client = window.client || new stytch.StytchHeadlessClient(
                args.public_token, {{ customBaseUrl: "https://{HOST}" }});
            const client = window.client;
            {script}
        }}""",
        args,
    )


def test_vanilla_js_signs_in_by_magic_link_and_password(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page, tmp_path: Path
) -> None:
    project = sdk_project
    email = new_address("vanilla")
    sent = in_page(
        sdk_page,
        "return await client.magicLinks.email.loginOrCreate(args.email);",
        public_token=project.public_token,
        email=email,
    )
    assert sent["user_created"] is True
    token = token_of(link_in_dev_inbox(tls_keystile, project.project_id, project.secret, email))
    signed_in = in_page(
        sdk_page,
        """await client.magicLinks.authenticate(args.token, { session_duration_minutes: 60 });
        const user = await client.user.get();
        document.getElementById("state").textContent = "signed in as " + user.emails[0].email;
        return { user, tokens: client.session.getTokens() };""",
        public_token=project.public_token,
        token=token,
    )
    assert signed_in["user"]["emails"][0]["email"] == email
    save_screenshot(sdk_page, tmp_path, "vanilla-js-magic-link")
    assert accepted_by_backend(tls_keystile, project, signed_in["tokens"]) == signed_in["user"]["user_id"]

    in_page(sdk_page, "await client.session.revoke();", public_token=project.public_token)
    password_email = new_address("vanilla-password")
    by_password = in_page(
        sdk_page,
        """const credentials = { email: args.email, password: args.password, session_duration_minutes: 60 };
        await client.passwords.create(credentials);
        await client.session.revoke();
        await client.passwords.authenticate(credentials);
        return { user: await client.user.get(), tokens: client.session.getTokens() };""",
        public_token=project.public_token,
        email=password_email,
        password=PASSWORD,
    )
    assert by_password["user"]["emails"][0]["email"] == password_email
    assert accepted_by_backend(tls_keystile, project, by_password["tokens"]) == by_password["user"]["user_id"]
    assert re.fullmatch(r"user-test-[0-9a-f-]{36}", by_password["user"]["user_id"])


def test_vanilla_js_starts_a_connected_apps_logout(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page
) -> None:
    """The app's logout page as Stytch's IdentityProvider runs it: `idp.oauthLogoutStart` with the relying
    party's request, then `session.revoke`, then the browser to the answered URI."""
    project, logged_out = sdk_project, "https://rp.example/logged-out"
    signed_in = in_page(
        sdk_page,
        """await client.passwords.create({ email: args.email, password: args.password,
            session_duration_minutes: 60 });
        return client.session.getTokens();""",
        public_token=project.public_token,
        email=new_address("vanilla-logout"),
        password=PASSWORD,
    )
    id_token, client_id = id_token_of(tls_keystile, project, signed_in["session_token"], logged_out)
    started = in_page(
        sdk_page,
        """return await client.idp.oauthLogoutStart({ client_id: args.client_id,
            post_logout_redirect_uri: args.uri, state: "s1", id_token_hint: args.id_token });""",
        public_token=project.public_token,
        client_id=client_id,
        uri=logged_out,
        id_token=id_token,
    )
    assert (started["redirect_uri"], started["consent_required"]) == (f"{logged_out}?state=s1", False)
    assert accepted_by_backend(tls_keystile, project, signed_in)  # nothing ended yet
    in_page(sdk_page, "await client.session.revoke();", public_token=project.public_token)
    with pytest.raises(StytchError):
        accepted_by_backend(tls_keystile, project, signed_in)


def test_vanilla_js_authorizes_a_connected_app(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page
) -> None:
    """The app's authorization page as Stytch's IdentityProvider runs it for a signed-in user: the
    consent screen's `idp.oauthAuthorizeStart`, then `idp.oauthAuthorizeSubmit` with consent; the
    relying party exchanges the code with its PKCE verifier for tokens of that user."""
    project = sdk_project
    signed_in = in_page(
        sdk_page,
        """const created = await client.passwords.create({ email: args.email, password: args.password,
            session_duration_minutes: 60 });
        return created.user_id;""",
        public_token=project.public_token,
        email=new_address("vanilla-idp"),
        password=PASSWORD,
    )
    request = authorization_request(tls_keystile, project)
    answers = in_page(
        sdk_page,
        """const start = await client.idp.oauthAuthorizeStart(args.params);
        const submit = await client.idp.oauthAuthorizeSubmit({ ...args.params, consent_granted: true });
        return { start, submit };""",
        public_token=project.public_token,
        params=request.params,
    )
    start = answers["start"]
    assert (start["consent_required"], start["user_id"]) == (True, signed_in)
    assert start["client"]["client_id"] == request.params["client_id"]
    assert {result["scope"] for result in start["scope_results"]} == set(request.params["scopes"])
    assert request.exchanged_for(answers["submit"]["redirect_uri"]) == signed_in
