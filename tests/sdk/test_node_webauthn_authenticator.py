"""WebAuthn through the official `stytch` Node SDK with a software authenticator written with Node's
WebCrypto (tests/node/scenarios/webauthn_authenticator.mjs): registered, signed in, then a replayed
assertion and a decreased signature counter refused, against a real server."""

from __future__ import annotations

from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project

DOMAIN = "authenticator.example.com"


def test_a_webcrypto_authenticator_through_node(server: KeystileServer, project: Project) -> None:
    server.cli_json("projects", "domains", "add", "--project", project.project_id, DOMAIN, "--json")
    steps = run_node_scenario(server, project, "webauthn_authenticator", WEBAUTHN_DOMAIN=DOMAIN)["steps"]
    user_id = steps["user"]["user_id"]

    registered = steps["register"]
    assert registered["user_id"] == user_id
    assert registered["webauthn_registration_id"].startswith("webauthn-registration-test-")
    signed_in = steps["authenticate"]
    assert (signed_in["user_id"], signed_in["webauthn_registration_id"]) == (
        user_id,
        registered["webauthn_registration_id"],
    )
    factor = signed_in["session"]["authentication_factors"][0]
    assert (factor["type"], factor["webauthn_factor"]["domain"]) == ("webauthn", DOMAIN)
    assert steps["replayed"]["error_type"] == "unable_to_auth_webauthn_registration"
    assert steps["decreased_counter"]["error_type"] == "unable_to_auth_webauthn_registration"
    assert [s["session_id"] for s in steps["sessions"]["sessions"]] == [signed_in["session"]["session_id"]]
