"""M2M clients, the client-credentials token endpoint and local token verification, driven by the
official `stytch` Python and Node SDKs against a real server; Auth0 imports and the claims template go
through the real CLI."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
import stytch
from stytch.core.response_base import StytchError

from tests.support.node_sdk import run_node_scenario
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

SCOPES = ["read:users", "write:users"]


def fresh_client(server: KeystileServer, project: Project) -> stytch.Client:
    """A client with its own JWKS cache (PyJWKClient refetches an unknown kid only every 30 s)."""
    return stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def gets_token(client: stytch.Client, client_id: str, client_secret: str) -> bool:
    """Whether these credentials get a token (False on `invalid_client`)."""
    try:
        client.m2m.token(client_id=client_id, client_secret=client_secret)
    except StytchError as error:
        assert error.details.error_type == "invalid_client", error.details
        assert error.details.status_code == 401
        return False
    return True


def test_create_get_token_and_verify_locally(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    created = client.m2m.clients.create(
        scopes=SCOPES,
        client_name="billing",
        client_description="Nightly billing job",
        trusted_metadata={"team": "payments"},
    ).m2m_client
    assert created.client_id.startswith("m2m-client-test-")
    assert len(created.client_secret) >= 43
    assert created.client_secret_last_four == created.client_secret[-4:]
    assert (created.status, created.scopes, created.next_client_secret_last_four) == ("active", SCOPES, None)

    got = client.m2m.clients.get(created.client_id).m2m_client
    assert got.model_dump() == {
        **created.model_dump(exclude={"client_secret"}),
        "trusted_metadata": {"team": "payments"},
    }

    token = client.m2m.token(client_id=created.client_id, client_secret=created.client_secret)
    assert (token.token_type, token.expires_in) == ("bearer", 3600)
    header = jwt.get_unverified_header(token.access_token)
    assert (header["alg"], header["typ"]) == ("RS256", "JWT")
    claims = jwt.decode(token.access_token, options={"verify_signature": False})
    assert claims["sub"] == created.client_id
    assert claims["aud"] == [project.project_id]
    assert claims["iss"] == f"stytch.com/{project.project_id}"
    assert claims["scope"] == "read:users write:users"
    assert claims["nbf"] == claims["iat"] and claims["exp"] - claims["iat"] == 3600
    assert abs(claims["iat"] - time.time()) < 60

    # The same JWKS as session JWTs verifies it, in the SDK, without a call to the server.
    verified = client.m2m.authenticate_token(token.access_token, required_scopes=["read:users"])
    assert verified is not None
    assert (verified.client_id, verified.scopes, verified.custom_claims) == (created.client_id, SCOPES, {})
    assert client.m2m.authenticate_token(token.access_token, required_scopes=["delete:users"]) is None
    assert client.m2m.authenticate_token(token.access_token, required_scopes=["read:orders"]) is None


def test_scope_narrows_the_token(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    created = client.m2m.clients.create(scopes=[*SCOPES, "admin"]).m2m_client
    narrow = client.m2m.token(created.client_id, created.client_secret, scopes=["read:users", "admin"])
    verified = client.m2m.authenticate_token(narrow.access_token, required_scopes=["admin", "read:users"])
    assert verified is not None and verified.scopes == ["read:users", "admin"]
    assert client.m2m.authenticate_token(narrow.access_token, required_scopes=["write:users"]) is None
    assert (
        error_type(lambda: client.m2m.token(created.client_id, created.client_secret, scopes=["read:orders"]))
        == "invalid_scope"
    )
    assert (
        error_type(lambda: client.m2m.token(created.client_id, created.client_secret, scopes=["read:*"]))
        == "invalid_scope"
    )


def test_rotation_keeps_both_secrets_until_it_completes(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    created = client.m2m.clients.create(scopes=SCOPES).m2m_client
    client_id, old = created.client_id, created.client_secret
    assert error_type(lambda: client.m2m.clients.secrets.rotate(client_id)) == (
        "m2m_client_not_rotating_secret"
    )

    started = client.m2m.clients.secrets.rotate_start(client_id).m2m_client
    new = started.next_client_secret
    assert new != old
    assert (started.client_secret_last_four, started.next_client_secret_last_four) == (old[-4:], new[-4:])
    assert gets_token(client, client_id, old) and gets_token(client, client_id, new)

    rotated = client.m2m.clients.secrets.rotate(client_id).m2m_client
    assert (rotated.client_secret_last_four, rotated.next_client_secret_last_four) == (new[-4:], None)
    assert not gets_token(client, client_id, old)
    assert gets_token(client, client_id, new)

    abandoned = client.m2m.clients.secrets.rotate_start(client_id).m2m_client.next_client_secret
    assert gets_token(client, client_id, abandoned)
    cancelled = client.m2m.clients.secrets.rotate_cancel(client_id).m2m_client
    assert (cancelled.client_secret_last_four, cancelled.next_client_secret_last_four) == (new[-4:], None)
    assert not gets_token(client, client_id, abandoned)
    assert gets_token(client, client_id, new)
    assert error_type(lambda: client.m2m.clients.secrets.rotate_cancel(client_id)) == (
        "m2m_client_not_rotating_secret"
    )


def test_inactive_and_deleted_clients_get_no_tokens(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    created = client.m2m.clients.create(scopes=SCOPES, client_name="cron").m2m_client
    client_id, secret = created.client_id, created.client_secret
    token = client.m2m.token(client_id, secret).access_token

    updated = client.m2m.clients.update(
        client_id, status="inactive", scopes=["read:users"], trusted_metadata={"tier": 2}
    ).m2m_client
    assert (updated.status, updated.scopes, updated.trusted_metadata) == (
        "inactive",
        ["read:users"],
        {"tier": 2},
    )
    assert updated.client_name == "cron"
    assert not gets_token(client, client_id, secret)
    client.m2m.clients.update(client_id, status="active")
    reissued = client.m2m.clients.update(client_id, client_name="cron-2").m2m_client
    assert (reissued.status, reissued.client_name) == ("active", "cron-2")
    narrowed = client.m2m.token(client_id, secret).access_token
    assert client.m2m.authenticate_token(narrowed, required_scopes=["write:users"]) is None
    assert (
        error_type(lambda: client.m2m.clients.update(client_id, status="paused"))
        == "m2m_client_invalid_status"
    )

    assert client.m2m.clients.delete(client_id).client_id == client_id
    assert not gets_token(client, client_id, secret)
    assert error_type(lambda: client.m2m.clients.get(client_id)) == "m2m_client_not_found"
    assert error_type(lambda: client.m2m.clients.delete(client_id)) == "m2m_client_not_found"
    # Tokens issued before stay valid until they expire (as Stytch documents).
    assert client.m2m.authenticate_token(token) is not None


def test_search_filters_and_pages(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    made = [
        client.m2m.clients.create(scopes=scopes, client_name=name).m2m_client
        for name, scopes in [
            ("alpha", ["read:users"]),
            ("beta", ["read:users", "write:users"]),
            ("gamma", ["billing"]),
            ("delta", ["read_users"]),
            ("Alpha", ["read%users"]),
        ]
    ]
    ids = [c.client_id for c in made]

    def search(**query: Any) -> list[str]:
        page = client.m2m.clients.search(query={"operator": "AND", "operands": [query]})
        assert page.results_metadata.total == len(page.m2m_clients)
        return [c.client_id for c in page.m2m_clients]

    assert search(filter_name="scopes", filter_value=["read:users"]) == ids[:2]
    assert search(filter_name="scopes", filter_value=["billing", "write:users"]) == [ids[1], ids[2]]
    assert search(filter_name="scopes", filter_value=["read%users"]) == [ids[4]]
    assert search(filter_name="client_name", filter_value=["alpha"]) == [ids[0]]
    assert search(filter_name="client_id", filter_value=[ids[3], ids[0]]) == [ids[0], ids[3]]
    either = client.m2m.clients.search(
        query={
            "operator": "OR",
            "operands": [
                {"filter_name": "client_name", "filter_value": ["gamma"]},
                {"filter_name": "scopes", "filter_value": ["read_users"]},
            ],
        }
    )
    assert [c.client_id for c in either.m2m_clients] == [ids[2], ids[3]]

    seen: list[str] = []
    cursor = None
    while True:
        page = client.m2m.clients.search(limit=2, cursor=cursor)
        assert page.results_metadata.total == 5
        seen += [c.client_id for c in page.m2m_clients]
        cursor = page.results_metadata.next_cursor
        if not cursor:
            break
    assert seen == ids
    assert error_type(lambda: client.m2m.clients.search(cursor="not-a-cursor")) == "invalid_cursor"
    assert error_type(lambda: client.m2m.clients.search(limit=1001)) == "invalid_limit"
    assert (
        error_type(
            lambda: client.m2m.clients.search(
                query={"operator": "AND", "operands": [{"filter_name": "status", "filter_value": ["x"]}]}
            )
        )
        == "invalid_search_query"
    )


def test_caller_chosen_credentials(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    secret = secrets.token_urlsafe(48)
    imported = client.m2m.clients.create(scopes=SCOPES, client_id="LegacyClient01", client_secret=secret)
    assert imported.m2m_client.client_secret == secret
    assert gets_token(client, "LegacyClient01", secret)
    # Ids are case-sensitive on every engine: this is another client, with another secret.
    other = client.m2m.clients.create(scopes=[], client_id="legacyclient01").m2m_client
    assert not gets_token(client, "legacyclient01", secret)
    assert gets_token(client, "legacyclient01", other.client_secret)
    assert not gets_token(client, "LEGACYCLIENT01", secret)

    assert error_type(lambda: client.m2m.clients.create(scopes=[], client_id="LegacyClient01")) == (
        "duplicate_m2m_client_id"
    )
    for weak in (
        "short",
        "password",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "abababababababab",
        "with space 1234567",
    ):
        assert error_type(lambda weak=weak: client.m2m.clients.create(scopes=[], client_secret=weak)) == (
            "m2m_client_invalid_client_secret"
        ), weak
    assert error_type(lambda: client.m2m.clients.create(scopes=[], client_id="has/slash")) == (
        "m2m_client_invalid_client_id"
    )


def test_projects_are_isolated(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    created = client.m2m.clients.create(scopes=SCOPES).m2m_client
    token = client.m2m.token(created.client_id, created.client_secret).access_token
    other = server.create_project(vertical="b2b")
    other_client = stytch.B2BClient(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    assert error_type(lambda: other_client.m2m.clients.get(created.client_id)) == "m2m_client_not_found"
    assert other_client.m2m.clients.search().m2m_clients == []
    # The other project's token endpoint does not know the client.
    assert not gets_token(other_client, created.client_id, created.client_secret)
    # M2M works on B2B projects too, and a token verifies only under its own project.
    b2b = other_client.m2m.clients.create(scopes=["read:users"]).m2m_client
    b2b_token = other_client.m2m.token(b2b.client_id, b2b.client_secret).access_token
    assert other_client.m2m.authenticate_token(b2b_token, required_scopes=["read:users"]) is not None
    with pytest.raises(jwt.PyJWKClientError):  # its kid is not in the other project's JWKS
        other_client.m2m.authenticate_token(token)


def test_custom_claims_from_the_template(
    server: KeystileServer, project: Project, client: stytch.Client, tmp_path: Path
) -> None:
    created = client.m2m.clients.create(
        scopes=SCOPES, client_name="reports", trusted_metadata={"role": "auditor", "org": {"id": 7}}
    ).m2m_client
    template = tmp_path / "template.json"
    template.write_text(
        '{"role": {{ client.trusted_metadata.role }}, "org": {"id": {{client.trusted_metadata.org.id}}},'
        ' "name": {{ client.client_name }}, "user_id": {{ request.user_id }}, "gone": {{ request.nope }}}'
    )
    done = server.cli("m2m", "claims-template", "set", str(template), "--project", project.project_id)
    assert done.returncode == 0, done.stderr
    shown = server.cli("m2m", "claims-template", "show", "--project", project.project_id)
    assert shown.stdout.strip() == template.read_text()

    token = client.m2m.token(created.client_id, created.client_secret, extra={"user_id": "u-123"})
    verified = client.m2m.authenticate_token(token.access_token, required_scopes=["write:users"])
    assert verified is not None
    assert verified.custom_claims == {
        "role": "auditor",
        "org": {"id": 7},
        "name": "reports",
        "user_id": "u-123",
    }

    for bad in (
        '{"sub": {{ client.client_id }}}',
        '{"scope": "all"}',
        '{"https://stytch.com/session": 1}',
        '{"a": "{{ client.client_id }}"}',
        '{"a": {{ client.client_secret }}}',
        '{"a": {{ project.secret }}}',
        "[1]",
        "{",
    ):
        template.write_text(bad)
        done = server.cli("m2m", "claims-template", "set", str(template), "--project", project.project_id)
        assert done.returncode == 1 and "invalid_claims_template" in done.stderr, (bad, done.stderr)

    cleared = server.cli("m2m", "claims-template", "clear", "--project", project.project_id)
    assert cleared.returncode == 0, cleared.stderr
    plain = client.m2m.token(created.client_id, created.client_secret, extra={"user_id": "u-123"})
    after = client.m2m.authenticate_token(plain.access_token)
    assert after is not None and after.custom_claims == {}


def auth0_client(name: str, **fields: Any) -> dict[str, Any]:
    """An application as Auth0's `GET /api/v2/clients` lists it (with `read:client_keys`)."""
    return {
        "tenant": "acme",
        "global": False,
        "is_first_party": True,
        "name": name,
        "description": f"{name} service",
        "client_id": secrets.token_hex(16),
        "client_secret": secrets.token_urlsafe(48),
        "app_type": "non_interactive",
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_post",
        "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 36000},
        "client_metadata": {"owner": "platform"},
        **fields,
    }


def import_file(server: KeystileServer, project: Project, path: Path, export: object) -> dict[str, Any]:
    path.write_text(json.dumps(export))
    done = server.cli("m2m", "import", str(path), "--project", project.project_id, "--json")
    report: dict[str, Any] = json.loads(done.stdout)
    assert done.returncode == (1 if report["refused"] else 0), done.stderr
    return report


def test_auth0_import_keeps_credentials_working(
    server: KeystileServer, project: Project, client: stytch.Client, tmp_path: Path
) -> None:
    billing, reports = auth0_client("billing"), auth0_client("reports")
    spa = auth0_client("dashboard", app_type="spa", grant_types=["authorization_code", "refresh_token"])
    export = {
        "clients": [billing, reports, spa],
        "client_grants": [
            {"client_id": billing["client_id"], "audience": "https://api.acme", "scope": ["read:invoices"]},
            {"client_id": billing["client_id"], "audience": "https://a2.acme", "scope": ["write:invoices"]},
        ],
    }
    path = tmp_path / "auth0.json"
    report = import_file(server, project, path, export)
    assert report["imported"] == [billing["client_id"], reports["client_id"]]
    assert report["skipped"] == [
        {"client_id": spa["client_id"], "reason": "not an M2M application (no client_credentials grant)"}
    ]

    got = client.m2m.clients.get(billing["client_id"]).m2m_client
    assert (got.client_name, got.client_description) == ("billing", "billing service")
    assert (got.scopes, got.trusted_metadata) == (["read:invoices", "write:invoices"], {"owner": "platform"})
    assert got.client_secret_last_four == billing["client_secret"][-4:]
    # The Auth0 credentials get tokens the SDK verifies, with the scopes of the client grants.
    token = client.m2m.token(billing["client_id"], billing["client_secret"])
    verified = client.m2m.authenticate_token(token.access_token, required_scopes=["write:invoices"])
    assert verified is not None and verified.client_id == billing["client_id"]
    assert gets_token(client, reports["client_id"], reports["client_secret"])
    assert not gets_token(client, spa["client_id"], spa["client_secret"])

    # Running the import again changes nothing.
    again = import_file(server, project, path, export)
    assert again["imported"] == [] and again["refused"] == []
    assert [(s["client_id"], s["reason"]) for s in again["skipped"][1:]] == [
        (billing["client_id"], "already imported"),
        (reports["client_id"], "already imported"),
    ]

    # All or nothing: one refused client (a taken id, a weak secret) and none is imported.
    fresh = auth0_client("fresh")
    taken = {**billing, "client_secret": secrets.token_urlsafe(48)}
    weak = auth0_client("weak", client_secret="password1")
    refused = import_file(server, project, path, [fresh, taken, weak])
    assert refused["imported"] == []
    assert [r["client_id"] for r in refused["refused"]] == [billing["client_id"], weak["client_id"]]
    assert error_type(lambda: client.m2m.clients.get(fresh["client_id"])) == "m2m_client_not_found"
    assert gets_token(client, billing["client_id"], billing["client_secret"])

    missing = server.cli("m2m", "import", str(path), "--project", "project-test-nope", "--json")
    assert missing.returncode == 1 and "project_not_found" in missing.stderr


def test_node_sdk(server: KeystileServer, project: Project) -> None:
    """Create, token (form-encoded), local verification with and without the scope, rotation, delete."""
    result = run_node_scenario(server, project, "m2m")
    steps = result["steps"]
    client_id = steps["create"]["m2m_client"]["client_id"]
    assert steps["create"]["m2m_client"]["scopes"] == SCOPES
    assert steps["token"]["token_type"] == "bearer" and steps["token"]["expires_in"] == 3600
    assert steps["verify"] == {"client_id": client_id, "scopes": SCOPES, "custom_claims": {}}
    assert steps["verify_missing_scope"]["code"] == "missing_scopes"
    assert steps["both_secrets"] == {"old": True, "new": True}
    assert steps["after_rotate"] == {"old": False, "new": True}
    for name in ("old_secret_after_rotate", "token_after_delete"):
        failed = steps[name]
        assert (failed["status_code"], failed["error_type"]) == (401, "invalid_client"), failed
        assert failed["error_message"] and failed["request_id"].startswith("request-id-test-")
    token_requests = [r for r in result["requests"] if r["path"].endswith("/oauth2/token")]
    assert token_requests and all(
        r["content_type"] == "application/x-www-form-urlencoded" for r in token_requests
    )
