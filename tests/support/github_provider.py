"""A real plain OAuth 2.0 provider on loopback standing in for GitHub (no OpenID Connect, no ID token),
built on Authlib's authorization server and resource protector on Flask, on GitHub's wire: a consent
form at `/login/oauth/authorize` (PKCE S256 honoured), `/login/oauth/access_token` (client
credentials in the body, as GitHub documents them; a form-encoded answer unless the client accepts
JSON; granted scopes comma-separated; no expiry, no refresh token; a refused exchange answered 200
with GitHub's error codes), and the API's `/user`, `/user/emails` (each address with its `primary`
and `verified` flags; the latter needs the `user:email` scope, which `user` includes) and
`/user/orgs` (the account's organizations, paginated by `per_page`/`page` with a `Link` header; its
private memberships only with `read:org`, which `write:org` and `admin:org` include)."""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import flask
import httpx
import werkzeug.serving
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge

from tests.support.server import KeystileServer, Project
from tests.support.serving import serving

CLIENT_ID = "github-client"
CLIENT_SECRET = "github-secret"
TOKEN_PATH = "/login/oauth/access_token"
# Authlib's error codes as GitHub's token endpoint names them.
GITHUB_ERRORS = {"invalid_client": "incorrect_client_credentials", "invalid_grant": "bad_verification_code"}
# GitHub's scopes that include others.
IMPLIED_SCOPES = {
    "user": ("read:user", "user:email", "user:follow"),
    "write:org": ("read:org",),
    "admin:org": ("write:org", "read:org"),
}


@dataclass
class GithubOrganization:
    id: int
    login: str

    def listed(self) -> dict[str, Any]:
        """An item of `/user/orgs`."""
        return {"login": self.login, "id": self.id, "node_id": f"O_{self.id}", "description": None}


@dataclass
class Membership:
    organization: GithubOrganization
    public: bool  # shown without `read:org`


@dataclass
class GithubEmail:
    email: str
    primary: bool
    verified: bool


@dataclass
class GithubAccount:
    """A GitHub user: `email` is the public profile address (GitHub vouches for nothing there)."""

    id: int
    login: str
    name: str | None
    emails: list[GithubEmail]
    email: str | None = None
    memberships: list[Membership] = field(default_factory=list)

    def join(self, organization: GithubOrganization, *, public: bool = False) -> None:
        self.memberships.append(Membership(organization, public))

    def profile(self) -> dict[str, Any]:
        """The `/user` answer (the fields keystile and apps read)."""
        return {
            "login": self.login, "id": self.id, "node_id": f"U_{self.id}", "type": "User",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{self.id}?v=4",
            "name": self.name, "email": self.email, "company": None,
        }  # fmt: skip


@dataclass
class _Client(ClientMixin):  # type: ignore[misc]
    """The app registered at the provider: its callback URLs are keystile's, registered on configure."""

    redirect_uris: set[str] = field(default_factory=set)
    secret: str = CLIENT_SECRET

    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str:
        return next(iter(self.redirect_uris))

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_post"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class _Code:
    code: str
    login: str
    redirect_uri: str
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass
class _Token:
    access_token: str
    login: str
    scope: str

    def get_scope(self) -> str:
        """The granted scopes with those they include, as GitHub's API checks them."""
        granted = self.scope.split()
        return " ".join(dict.fromkeys([*granted, *(s for g in granted for s in IMPLIED_SCOPES.get(g, ()))]))

    def is_expired(self) -> bool:
        return False

    def is_revoked(self) -> bool:
        return False


@dataclass
class GithubProvider:
    """The provider at `url` (GitHub's web and API hosts in one); `accounts` by login."""

    port: int
    client: _Client = field(default_factory=_Client)
    accounts: dict[str, GithubAccount] = field(default_factory=dict)
    codes: dict[str, _Code] = field(default_factory=dict)
    tokens: dict[str, _Token] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(583231))
    page_size: int = 30  # GitHub's default `per_page`
    max_page_size: int = 100  # GitHub's largest
    organizations_down: bool = False  # `/user/orgs` answers 503

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def add_account(
        self, login: str, *emails: tuple[str, bool, bool], name: str | None = None, email: str | None = None
    ) -> GithubAccount:
        """A GitHub user with its addresses as (email, primary, verified)."""
        account = GithubAccount(next(self.ids), login, name, [GithubEmail(*e) for e in emails], email)
        self.accounts[login] = account
        return account

    def add_organization(self, login: str) -> GithubOrganization:
        return GithubOrganization(next(self.ids), login)

    def configure(
        self, server: KeystileServer, project: Project, *, client_secret: str = CLIENT_SECRET
    ) -> str:
        """Set the project's GitHub client to this provider through the CLI's endpoint overrides, and
        register keystile's callback URL at the provider; the callback URL."""
        shown = server.cli_json(
            "oauth", "providers", "set", "--project", project.project_id, "--provider", "github",
            "--client-id", CLIENT_ID, "--client-secret", client_secret,
            "--authorize-url", f"{self.url}/login/oauth/authorize", "--token-url", f"{self.url}{TOKEN_PATH}",
            "--userinfo-url", f"{self.url}/user", "--json",
        )  # fmt: skip
        assert isinstance(shown, dict)
        self.client.redirect_uris.add(shown["callback_url"])
        return str(shown["callback_url"])


class _AuthorizationCode(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post"]
    provider: GithubProvider

    def save_authorization_code(self, code: str, request: Any) -> None:
        payload = request.payload
        self.provider.codes[code] = _Code(
            code, request.user.login, payload.redirect_uri, payload.scope or "",
            payload.data.get("code_challenge"), payload.data.get("code_challenge_method"),
        )  # fmt: skip

    def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
        return self.provider.codes.get(code)

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: _Code) -> GithubAccount | None:
        return self.provider.accounts.get(authorization_code.login)


def _github_answer(response: flask.Response) -> flask.Response:
    """The token endpoint's answer as GitHub gives it: scopes comma-separated, `bearer`, errors with
    status 200 and GitHub's codes, and form-encoded unless the client accepts JSON."""
    if flask.request.path != TOKEN_PATH:
        return response
    body = json.loads(response.get_data())
    if "error" in body:
        body = {"error": GITHUB_ERRORS.get(body["error"], body["error"]),
                "error_description": body.get("error_description", ""),
                "error_uri": "https://docs.github.com/apps/oauth"}  # fmt: skip
    else:
        body = {"access_token": body["access_token"], "token_type": "bearer",
                "scope": ",".join(body.get("scope", "").split())}  # fmt: skip
    if "application/json" in flask.request.headers.get("Accept", ""):
        return flask.Response(json.dumps(body), 200, content_type="application/json; charset=utf-8")
    return flask.Response(
        urlencode(body), 200, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )


CONSENT_FORM = """<!doctype html><title>Authorize application</title>
<form method="post"><label>Username <input name="login"></label>
<button name="action" value="authorize">Authorize</button>
<button name="action" value="deny">Cancel</button></form>"""


def _application(provider: GithubProvider) -> flask.Flask:
    app = flask.Flask("github")

    def save_token(token: dict[str, Any], request: Any) -> None:
        provider.tokens[token["access_token"]] = _Token(
            token["access_token"], request.user.login, token.get("scope", "")
        )

    server = AuthorizationServer(
        app,
        query_client=lambda client_id: provider.client if client_id == CLIENT_ID else None,
        save_token=save_token,
    )
    server.register_token_generator(
        "default",
        BearerTokenGenerator(lambda **_: f"gho_{secrets.token_urlsafe(27)}", expires_generator=lambda *_: 0),
    )
    grant = type("Grant", (_AuthorizationCode,), {"provider": provider})
    server.register_grant(grant, [CodeChallenge(required=False)])

    class _Bearer(BearerTokenValidator):  # type: ignore[misc]
        def authenticate_token(self, token_string: str) -> _Token | None:
            return provider.tokens.get(token_string)

    require = ResourceProtector()
    require.register_token_validator(_Bearer())

    @app.route("/login/oauth/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        if flask.request.method == "GET":
            server.get_consent_grant(end_user=None)
            return CONSENT_FORM
        approved = flask.request.form.get("action") != "deny"
        user = provider.accounts.get(flask.request.form.get("login", "")) if approved else None
        return server.create_authorization_response(grant_user=user)

    @app.route(TOKEN_PATH, methods=["POST"])
    def access_token() -> Any:
        return server.create_token_response()

    @app.route("/user")
    @require()  # type: ignore[untyped-decorator]
    def user() -> Any:
        return provider.accounts[current_token.login].profile()

    @app.route("/user/emails")
    @require("user:email")  # type: ignore[untyped-decorator]
    def emails() -> Any:
        listed = provider.accounts[current_token.login].emails
        return [
            {"email": e.email, "primary": e.primary, "verified": e.verified, "visibility": "private"}
            for e in listed
        ]

    @app.route("/user/orgs")
    @require()  # type: ignore[untyped-decorator]
    def organizations() -> Any:
        if provider.organizations_down:
            return flask.Response("Service Unavailable", 503)
        everything = "read:org" in current_token.get_scope().split()
        listed = [
            m.organization.listed()
            for m in provider.accounts[current_token.login].memberships
            if everything or m.public
        ]
        size = min(int(flask.request.args.get("per_page", provider.page_size)), provider.max_page_size)
        page = int(flask.request.args.get("page", 1))
        answer = flask.jsonify(listed[(page - 1) * size : page * size])
        if page * size < len(listed):
            next_page = urlencode({"per_page": size, "page": page + 1})
            answer.headers["Link"] = f'<{flask.request.base_url}?{next_page}>; rel="next"'
        return answer

    app.after_request(_github_answer)
    return app


@contextmanager
def github_provider() -> Iterator[GithubProvider]:
    """The provider, served on a thread until the block ends."""
    server = werkzeug.serving.make_server("localhost", 0, flask.Flask("placeholder"), threaded=True)
    provider = GithubProvider(port=server.server_port)
    server.app = _application(provider)
    with serving(server):
        yield provider


def authorize(browser: httpx.Client, start_url: str, params: dict[str, str], login: str) -> httpx.Response:
    """Walk a browser from keystile's start URL through the provider's consent form as `login`, up to
    keystile's answer to the provider's redirect (not followed further: the app is not running)."""
    started = browser.get(start_url, params=params)
    assert started.status_code == 302, started.text
    authorize_url = started.headers["location"]
    assert browser.get(authorize_url).status_code == 200  # the consent form
    consented = browser.post(authorize_url, data={"login": login, "action": "authorize"})
    assert consented.status_code == 302, consented.text
    return browser.get(consented.headers["location"])
