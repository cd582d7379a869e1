"""Mobile biometrics over `/sdk/v1/biometrics`, with a device emulated by PyNaCl (Ed25519 keys, bytes as
standard base64, as stytch-ios and stytch-android send them; no mobile SDK runs in Python), and the
backend's view through the official Python SDK: the user's `biometric_registrations`, sessions with the
biometric factor, `users.delete_biometric_registration`. Every refusal is Stytch's error JSON and
leaves no registration or session behind."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
import stytch
from nacl.signing import SigningKey
from stytch.core.response_base import StytchError

from tests.api.sdk.test_sdk_api import PASSWORD, backend, enable_sdk, error_type, sdk_call
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project

UNKNOWN_REGISTRATION = "biometric-registration-test-00000000-0000-4000-8000-000000000000"


class Device:
    """A phone's biometric key pair: the private key never leaves it."""

    def __init__(self) -> None:
        self.key = SigningKey.generate()

    @property
    def public_key(self) -> str:
        return base64.b64encode(self.key.verify_key.encode()).decode()

    def sign(self, challenge: str) -> str:
        return base64.b64encode(self.key.sign(base64.b64decode(challenge)).signature).decode()


def signed_in(server: KeystileServer, project: Project) -> tuple[str, str]:
    """A new user's id and the token of a session it started with a password."""
    created = backend(server, project).passwords.create(
        email=new_address(), password=PASSWORD, session_duration_minutes=60
    )
    return created.user_id, created.session_token


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()["data"]
    return answer


def refused(response: httpx.Response, status: int, expected: str) -> None:
    assert response.status_code == status, response.text
    assert error_type(response) == expected
    assert response.json()["status_code"] == status


def register(server: KeystileServer, project: Project, device: Device, session_token: str) -> dict[str, Any]:
    started = ok(
        sdk_call(
            server,
            "/biometrics/register/start",
            project,
            {"public_key": device.public_key},
            session_token=session_token,
        )
    )
    body = {
        "biometric_registration_id": started["biometric_registration_id"],
        "signature": device.sign(started["challenge"]),
        "session_duration_minutes": 60,
    }
    return ok(sdk_call(server, "/biometrics/register", project, body, session_token=session_token))


def authenticate(server: KeystileServer, project: Project, device: Device) -> httpx.Response:
    started = ok(
        sdk_call(server, "/biometrics/authenticate/start", project, {"public_key": device.public_key})
    )
    body = {
        "biometric_registration_id": started["biometric_registration_id"],
        "signature": device.sign(started["challenge"]),
        "session_duration_minutes": 30,
    }
    return sdk_call(server, "/biometrics/authenticate", project, body)


def biometric_factors(session: Any) -> list[Any]:
    return [f for f in session.authentication_factors if f.delivery_method == "biometric"]


@pytest.fixture
def sdk_project(server: KeystileServer, project: Project) -> Project:
    enable_sdk(server, project)
    return project


def test_a_device_registers_signs_in_and_is_removed_by_the_backend(
    server: KeystileServer, sdk_project: Project
) -> None:
    client: stytch.Client = backend(server, sdk_project)
    user_id, session_token = signed_in(server, sdk_project)
    device = Device()

    registered = register(server, sdk_project, device, session_token)
    registration_id = registered["biometric_registration_id"]
    assert registration_id.startswith("biometric-registration-test-")
    assert registered["user"]["biometric_registrations"] == [
        {"biometric_registration_id": registration_id, "verified": True}
    ]
    # The caller's session got the factor (and a new token: the old one is worthless now).
    assert registered["session"]["user_id"] == user_id
    with_factor = client.sessions.authenticate(session_token=registered["session_token"])
    assert {f.type for f in with_factor.session.authentication_factors} >= {"password", "signature_challenge"}
    with pytest.raises(StytchError):
        client.sessions.authenticate(session_token=session_token)

    user = client.users.get(user_id)
    assert [(r.biometric_registration_id, r.verified) for r in user.biometric_registrations] == [
        (registration_id, True)
    ]

    # A new sign-in with the device alone: a fresh session holding only the biometric factor.
    signed = ok(authenticate(server, sdk_project, device))
    assert signed["biometric_registration_id"] == registration_id
    assert signed["user_id"] == user_id
    session = client.sessions.authenticate(session_token=signed["session_token"]).session
    (factor,) = session.authentication_factors
    assert factor.delivery_method == "biometric"
    assert factor.biometric_factor is not None
    assert factor.biometric_factor.biometric_registration_id == registration_id
    assert client.sessions.authenticate_jwt_local(signed["session_jwt"]) is not None

    removed = client.users.delete_biometric_registration(registration_id)
    assert removed.user.biometric_registrations == []
    refused(
        sdk_call(server, "/biometrics/authenticate/start", sdk_project, {"public_key": device.public_key}),
        404,
        "biometric_registration_not_found",
    )
    with pytest.raises(StytchError) as unknown:
        client.users.delete_biometric_registration(registration_id)
    assert unknown.value.details.error_type == "biometric_registration_not_found"
    assert unknown.value.details.status_code == 404


def test_deleting_the_user_removes_its_registrations(server: KeystileServer, sdk_project: Project) -> None:
    client = backend(server, sdk_project)
    user_id, session_token = signed_in(server, sdk_project)
    device = Device()
    register(server, sdk_project, device, session_token)
    client.users.delete(user_id)
    refused(
        sdk_call(server, "/biometrics/authenticate/start", sdk_project, {"public_key": device.public_key}),
        404,
        "biometric_registration_not_found",
    )
    # The key is free again: another user may register it.
    _, other_session = signed_in(server, sdk_project)
    assert register(server, sdk_project, device, other_session)["user"]["biometric_registrations"]


def test_a_wrong_signature_registers_nothing_and_uses_the_challenge_up(
    server: KeystileServer, sdk_project: Project
) -> None:
    client = backend(server, sdk_project)
    user_id, session_token = signed_in(server, sdk_project)
    device, impostor = Device(), Device()
    started = ok(
        sdk_call(
            server,
            "/biometrics/register/start",
            sdk_project,
            {"public_key": device.public_key},
            session_token=session_token,
        )
    )
    body = {
        "biometric_registration_id": started["biometric_registration_id"],
        "signature": impostor.sign(started["challenge"]),
        "session_duration_minutes": 60,
    }
    path = "/biometrics/register"
    refused(
        sdk_call(server, path, sdk_project, body, session_token=session_token),
        401,
        "unable_to_register_biometric_registration",
    )
    assert client.users.get(user_id).biometric_registrations == []
    # The challenge was single use: the right signature of it comes too late.
    body["signature"] = device.sign(started["challenge"])
    refused(
        sdk_call(server, path, sdk_project, body, session_token=session_token),
        401,
        "unable_to_register_biometric_registration",
    )
    assert client.users.get(user_id).biometric_registrations == []
    assert client.sessions.authenticate(session_token=session_token).session.user_id == user_id


def test_a_challenge_signs_in_once_and_only_with_the_registered_key(
    server: KeystileServer, sdk_project: Project
) -> None:
    client = backend(server, sdk_project)
    user_id, session_token = signed_in(server, sdk_project)
    device, impostor = Device(), Device()
    register(server, sdk_project, device, session_token)
    sessions_before = len(client.sessions.get(user_id=user_id).sessions)

    started = ok(
        sdk_call(server, "/biometrics/authenticate/start", sdk_project, {"public_key": device.public_key})
    )
    body = {
        "biometric_registration_id": started["biometric_registration_id"],
        "signature": impostor.sign(started["challenge"]),
        "session_duration_minutes": 30,
    }
    path = "/biometrics/authenticate"
    refused(sdk_call(server, path, sdk_project, body), 401, "unable_to_auth_biometric_registration")
    body["signature"] = device.sign(started["challenge"])
    refused(sdk_call(server, path, sdk_project, body), 401, "unable_to_auth_biometric_registration")
    assert len(client.sessions.get(user_id=user_id).sessions) == sessions_before

    # A new challenge works once; replaying its signature does not.
    started = ok(
        sdk_call(server, "/biometrics/authenticate/start", sdk_project, {"public_key": device.public_key})
    )
    body = {
        "biometric_registration_id": started["biometric_registration_id"],
        "signature": device.sign(started["challenge"]),
        "session_duration_minutes": 30,
    }
    ok(sdk_call(server, path, sdk_project, body))
    refused(sdk_call(server, path, sdk_project, body), 401, "unable_to_auth_biometric_registration")
    assert len(client.sessions.get(user_id=user_id).sessions) == sessions_before + 1


def test_another_users_registration_is_not_theirs_to_finish(
    server: KeystileServer, sdk_project: Project
) -> None:
    client = backend(server, sdk_project)
    owner_id, owner_session = signed_in(server, sdk_project)
    other_id, other_session = signed_in(server, sdk_project)
    device = Device()
    started = ok(
        sdk_call(
            server,
            "/biometrics/register/start",
            sdk_project,
            {"public_key": device.public_key},
            session_token=owner_session,
        )
    )
    body = {
        "biometric_registration_id": started["biometric_registration_id"],
        "signature": device.sign(started["challenge"]),
        "session_duration_minutes": 60,
    }
    path = "/biometrics/register"
    refused(
        sdk_call(server, path, sdk_project, body, session_token=other_session),
        404,
        "biometric_registration_not_found",
    )
    refused(sdk_call(server, path, sdk_project, body), 404, "session_not_found")
    assert client.users.get(other_id).biometric_registrations == []
    # The owner's challenge was not spent by the others.
    registered = ok(sdk_call(server, path, sdk_project, body, session_token=owner_session))
    assert registered["user_id"] == owner_id
    # A second registration of the same key is refused.
    refused(
        sdk_call(
            server,
            "/biometrics/register/start",
            sdk_project,
            {"public_key": device.public_key},
            session_token=other_session,
        ),
        409,
        "duplicate_biometric_registration",
    )


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/biometrics/register/start", {"public_key": "not base64!"}, "invalid_biometric_public_key"),
        (
            "/biometrics/register/start",
            {"public_key": base64.b64encode(b"short").decode()},
            "invalid_biometric_public_key",
        ),
        ("/biometrics/authenticate/start", {"public_key": "%%%%"}, "invalid_biometric_public_key"),
        ("/biometrics/authenticate/start", {"public_key": 42}, None),
        (
            "/biometrics/authenticate",
            {"biometric_registration_id": "nope", "signature": "AA=="},
            "invalid_biometric_registration_id",
        ),
    ],
)
def test_malformed_input_is_a_stytch_400(
    server: KeystileServer, sdk_project: Project, path: str, body: dict[str, Any], expected: str | None
) -> None:
    _, session_token = signed_in(server, sdk_project)
    response = sdk_call(server, path, sdk_project, body, session_token=session_token)
    assert response.status_code == 400, response.text
    assert {"status_code", "error_type", "error_message", "request_id"} <= response.json().keys()
    if expected is not None:
        assert error_type(response) == expected


def test_a_malformed_signature_spends_no_challenge(server: KeystileServer, sdk_project: Project) -> None:
    client = backend(server, sdk_project)
    user_id, session_token = signed_in(server, sdk_project)
    device = Device()
    started = ok(
        sdk_call(
            server,
            "/biometrics/register/start",
            sdk_project,
            {"public_key": device.public_key},
            session_token=session_token,
        )
    )
    body = {"biometric_registration_id": started["biometric_registration_id"], "session_duration_minutes": 60}
    path = "/biometrics/register"
    for signature in ("@@not-base64@@", base64.b64encode(b"x" * 63).decode()):
        response = sdk_call(
            server, path, sdk_project, {**body, "signature": signature}, session_token=session_token
        )
        refused(response, 400, "invalid_biometric_signature")
    assert client.users.get(user_id).biometric_registrations == []
    ok(
        sdk_call(
            server,
            path,
            sdk_project,
            {**body, "signature": device.sign(started["challenge"])},
            session_token=session_token,
        )
    )
    refused(
        sdk_call(
            server,
            "/biometrics/authenticate",
            sdk_project,
            {"biometric_registration_id": UNKNOWN_REGISTRATION, "signature": device.sign("AAAA")},
        ),
        404,
        "biometric_registration_not_found",
    )


def test_the_sdk_configuration_can_forbid_biometrics(server: KeystileServer, project: Project) -> None:
    enable_sdk(server, project, "--forbid-method", "biometrics")
    _, session_token = signed_in(server, project)
    response = sdk_call(
        server,
        "/biometrics/register/start",
        project,
        {"public_key": Device().public_key},
        session_token=session_token,
    )
    refused(response, 403, "endpoint_not_authorized_for_sdk")
