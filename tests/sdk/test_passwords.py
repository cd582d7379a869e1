"""Consumer passwords through the official Python SDK against a real server on every engine: create,
authenticate, strength check, migrate (every hash type, rehashed to argon2id at login), the three
resets (email read from a real SMTP server), lockout, and Stytch's rule against pre-hijacked accounts."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import bcrypt
import pytest
import stytch
from stytch.core.response_base import StytchError

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.encryption import at_rest_cipher
from keystile.factors.passwords.models import UserPassword
from keystile.factors.passwords.repository import PasswordRepository
from keystile.sessions.keys import KeyRing
from keystile.sessions.service import start_or_extend_session
from tests.support.magic_links import new_address, received_link, token_of
from tests.support.password_hashes import imported_hashes
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

STRONG = "violet tangerine oboe 71"
OTHER_STRONG = "horse staple cobalt 9"
LEGACY = "Legacy passphrase, kept 4 years"


def error_of(call: object) -> StytchError:
    assert callable(call)
    with pytest.raises(StytchError) as caught:
        call()
    return caught.value


def error_type(call: object) -> str:
    return str(error_of(call).details.error_type)


def settings_of(server: KeystileServer) -> Settings:
    return Settings(
        database_url=server.database_url, encryption_key=server.extra_env["KEYSTILE_ENCRYPTION_KEY"]
    )


def stored_password(server: KeystileServer, project: Project, user_id: str) -> UserPassword:
    """The user's password row, read straight from the server's database."""

    async def read(db: Any) -> UserPassword:
        row = await PasswordRepository(db, project.project_id).of_user(user_id)
        assert row is not None
        return row

    return run_in_transaction(settings_of(server), read)


def reset_token(sink: SmtpSink, email: str) -> str:
    link = received_link(sink, email)
    assert link.startswith("http://localhost:3000/authenticate?stytch_token_type=reset_password&token=")
    query = parse_qs(urlsplit(link).query)
    assert query["stytch_token_type"] == ["reset_password"]
    return query["token"][0]


def test_create_then_authenticate(client: stytch.Client) -> None:
    email = new_address("create")
    created = client.passwords.create(
        email=email,
        password=STRONG,
        session_duration_minutes=60,
        name={"first_name": "Ada"},
        trusted_metadata={"plan": "pro"},
    )
    assert created.session is not None and created.user.password is not None
    assert created.user.password.requires_reset is False
    assert created.user.emails[0].email_id == created.email_id
    assert created.user.emails[0].verified is False
    assert created.user.trusted_metadata == {"plan": "pro"}
    assert error_type(lambda: client.passwords.create(email=email, password=STRONG)) == "duplicate_email"

    auth = client.passwords.authenticate(email=email.upper(), password=STRONG, session_duration_minutes=30)
    assert auth.user_id == created.user_id and auth.session is not None
    factor = auth.session.authentication_factors[0]
    assert (factor.type, factor.delivery_method) == ("password", "knowledge")
    assert client.sessions.authenticate(session_token=auth.session_token).user.user_id == created.user_id
    assert client.sessions.authenticate_jwt_local(session_jwt=auth.session_jwt) is not None

    no_session = client.passwords.authenticate(email=email, password=STRONG)
    assert (no_session.session_token, no_session.session) == ("", None)
    assert error_type(lambda: client.passwords.authenticate(email=email, password=STRONG + "!")) == (
        "unauthorized_credentials"
    )
    assert error_type(lambda: client.passwords.authenticate(email=new_address(), password=STRONG)) == (
        "email_not_found"
    )
    fetched = client.users.get(created.user_id)
    assert fetched.password is not None and fetched.password.password_id == created.user.password.password_id
    assert fetched.is_locked is False and fetched.lock_created_at is None


def test_weak_and_breached_passwords_are_refused(client: stytch.Client) -> None:
    email = new_address("weak")
    breached = error_of(lambda: client.passwords.create(email=email, password="Password123!"))
    assert breached.details.error_type == "breached_password" and breached.details.status_code == 400
    weak = error_of(lambda: client.passwords.create(email=email, password="kittenfluff"))
    assert weak.details.error_type == "weak_password"
    checked = client.passwords.strength_check(password="kittenfluff", email=email)
    assert (checked.valid_password, checked.score, checked.breached_password) == (False, 2, False)
    assert checked.strength_policy == "zxcvbn" and checked.breach_detection_on_create is True
    assert checked.feedback is not None and checked.feedback.warning
    # The refusal carries the same zxcvbn feedback the strength check gives.
    assert checked.feedback.warning in weak.details.error_message
    assert checked.feedback.suggestions[0] in weak.details.error_message

    checked = client.passwords.strength_check(password="Password123!")
    assert (checked.valid_password, checked.breached_password) == (False, True)
    checked = client.passwords.strength_check(password=STRONG)
    assert (checked.valid_password, checked.score, checked.breached_password) == (True, 4, False)
    assert checked.feedback is not None and checked.feedback.suggestions == []
    # Passwords made of the email address are weak.
    checked = client.passwords.strength_check(
        password="grace.hopper.1906", email="grace.hopper.1906@example.com"
    )
    assert checked.valid_password is False


def test_luds_policy_set_from_the_cli(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    policy = server.cli_json(
        "passwords",
        "policy",
        "--project",
        project.project_id,
        "--strength",
        "luds",
        "--luds-min-length",
        "10",
        "--json",
    )
    assert policy == {
        "strength_policy": "luds",
        "luds_min_length": 10,
        "luds_min_complexity": 3,
        "breach_detection_on_create": True,
        "breach_detection_on_authenticate": True,
        "cross_org_passwords": False,
    }
    checked = client.passwords.strength_check(password="abcdef1")
    assert checked.strength_policy == "luds" and checked.valid_password is False
    assert checked.feedback is not None and checked.feedback.luds_requirements is not None
    luds = checked.feedback.luds_requirements
    assert (luds.has_lower_case, luds.has_upper_case, luds.has_digit, luds.has_symbol) == (
        True,
        False,
        True,
        False,
    )
    assert (luds.missing_complexity, luds.missing_characters) == (1, 3)
    email = new_address("luds")
    assert error_type(lambda: client.passwords.create(email=email, password="abcdef1")) == "weak_password"
    # zxcvbn would call this weak; LUDS accepts it. A breached one stays refused under LUDS too.
    client.passwords.create(email=email, password="Abcdefgh12")
    assert error_type(lambda: client.passwords.create(email=new_address(), password="Password123!")) == (
        "breached_password"
    )


def test_migrated_bcrypt_and_scrypt_hashes_log_in_and_become_argon2id(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    for arguments in imported_hashes(LEGACY)[:3]:
        email = new_address(arguments["hash_type"])
        migrated = client.passwords.migrate(email=email, **arguments, set_email_verified=True)
        assert migrated.user_created is True and migrated.user.password is not None
        assert migrated.user.emails[0].verified is True
        assert stored_password(server, project, migrated.user_id).hash_type == arguments["hash_type"]
        assert error_type(lambda e=email: client.passwords.authenticate(email=e, password=LEGACY[:-1])) == (
            "unauthorized_credentials"
        )

        auth = client.passwords.authenticate(email=email, password=LEGACY, session_duration_minutes=10)
        assert auth.user_id == migrated.user_id and auth.session is not None
        upgraded = stored_password(server, project, migrated.user_id)
        assert upgraded.hash_type == "argon_2id" and upgraded.hash_config is None
        assert upgraded.hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert upgraded.password_id == migrated.user.password.password_id
        # The upgraded hash keeps working, and the old one is gone.
        client.passwords.authenticate(email=email, password=LEGACY)
        assert stored_password(server, project, migrated.user_id).hash == upgraded.hash


def test_every_hash_type_the_sdk_offers_migrates(client: stytch.Client) -> None:
    phpass = {"hash_type": "phpass", "hash": "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"}  # phpass's own test vector
    for arguments, password in [*((a, LEGACY) for a in imported_hashes(LEGACY)[3:]), (phpass, "test12345")]:
        email = new_address(arguments["hash_type"])
        client.passwords.migrate(email=email, **arguments)
        assert client.passwords.authenticate(email=email, password=password).user_id
    assert error_type(
        lambda: client.passwords.migrate(email=new_address(), hash="$2b$04$short", hash_type="bcrypt")
    ) == ("invalid_bcrypt_hash")
    assert error_type(lambda: client.passwords.migrate(email=new_address(), hash="x", hash_type="rot13")) == (
        "invalid_hash_type"
    )
    assert error_type(
        lambda: client.passwords.migrate(
            email=new_address(),
            hash=base64.b64encode(b"x" * 16).decode(),
            hash_type="scrypt",
            scrypt_config={
                "salt": "c2FsdA==",
                "n_parameter": 1000,
                "r_parameter": 8,
                "p_parameter": 1,
                "key_length": 16,
            },
        )
    ) == ("invalid_scrypt_n_parameter")


def test_migrate_onto_an_existing_user_and_look_up_by_external_id(client: stytch.Client) -> None:
    email = new_address("existing")
    user = client.users.create(email=email, external_id="legacy-42")
    hashed = bcrypt.hashpw(LEGACY.encode(), bcrypt.gensalt(4)).decode()
    migrated = client.passwords.migrate(email=email, hash=hashed, hash_type="bcrypt", external_id="ignored")
    assert (migrated.user_id, migrated.user_created) == (user.user_id, False)
    assert migrated.user.external_id == "legacy-42"
    assert error_type(lambda: client.passwords.migrate(email=email, hash=hashed, hash_type="bcrypt")) == (
        "password_already_exists"
    )
    # Lazy migration: the app finds the user by its own id, then logs them in.
    assert client.users.get("legacy-42").user_id == user.user_id
    assert client.passwords.authenticate(email=email, password=LEGACY).user_id == user.user_id


def test_reset_by_email(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("reset")
    created = client.passwords.create(email=email, password=STRONG)
    other = client.passwords.authenticate(email=email, password=STRONG, session_duration_minutes=60)
    assert error_type(lambda: client.passwords.email.reset_start(email=new_address())) == "email_not_found"
    for minutes in (4, 10081):
        assert error_type(
            lambda m=minutes: client.passwords.email.reset_start(
                email=email, reset_password_expiration_minutes=m
            )
        ) == ("invalid_expiration")
    started = client.passwords.email.reset_start(email=email)
    assert (started.user_id, started.email_id) == (created.user_id, created.email_id)
    token = reset_token(smtp_sink, email)

    # A refused new password leaves the token usable.
    assert (
        error_type(lambda: client.passwords.email.reset(token=token, password="kittenfluff"))
        == "weak_password"
    )
    reset = client.passwords.email.reset(token=token, password=OTHER_STRONG, session_duration_minutes=60)
    assert reset.user_id == created.user_id and reset.session is not None
    assert reset.user.emails[0].verified is True
    assert reset.session.authentication_factors[0].delivery_method == "email"
    assert error_type(lambda: client.passwords.email.reset(token=token, password=OTHER_STRONG)) == (
        "unable_to_auth_password_reset_token"
    )
    assert error_type(
        lambda: client.passwords.email.reset(token=secrets.token_urlsafe(32), password=OTHER_STRONG)
    ) == ("unable_to_auth_password_reset_token")
    assert error_type(lambda: client.passwords.authenticate(email=email, password=STRONG)) == (
        "unauthorized_credentials"
    )
    assert client.passwords.authenticate(email=email, password=OTHER_STRONG).user_id == created.user_id
    # The reset ended every other session of the user.
    assert error_type(lambda: client.sessions.authenticate(session_token=other.session_token)) == (
        "session_not_found"
    )
    assert client.sessions.authenticate(session_token=reset.session_token).user.user_id == created.user_id


def test_reset_by_email_with_pkce(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    email = new_address("pkce")
    client.passwords.create(email=email, password=STRONG)
    client.passwords.email.reset_start(email=email, code_challenge=challenge)
    token = reset_token(smtp_sink, email)
    assert (
        error_type(lambda: client.passwords.email.reset(token=token, password=OTHER_STRONG))
        == "pkce_mismatch"
    )
    client.passwords.email.reset(token=token, password=OTHER_STRONG, code_verifier=verifier)


def test_reset_with_the_existing_password(client: stytch.Client) -> None:
    email = new_address("existing-reset")
    client.passwords.create(email=email, password=STRONG)
    assert error_type(
        lambda: client.passwords.existing_password.reset(
            email=email, existing_password=OTHER_STRONG, new_password=OTHER_STRONG
        )
    ) == ("unauthorized_credentials")
    assert error_type(
        lambda: client.passwords.existing_password.reset(
            email=email, existing_password=STRONG, new_password="kittenfluff"
        )
    ) == ("weak_password")
    reset = client.passwords.existing_password.reset(
        email=email, existing_password=STRONG, new_password=OTHER_STRONG, session_duration_minutes=5
    )
    assert reset.session is not None and reset.user.password is not None
    assert client.passwords.authenticate(email=email, password=OTHER_STRONG).user_id == reset.user_id


def test_reset_by_session(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    email = new_address("session-reset")
    created = client.passwords.create(email=email, password=STRONG, session_duration_minutes=60)
    second = client.passwords.authenticate(email=email, password=STRONG, session_duration_minutes=60)
    reset = client.passwords.sessions.reset(password=OTHER_STRONG, session_token=created.session_token)
    assert reset.user_id == created.user_id and reset.session is not None
    assert client.passwords.authenticate(email=email, password=OTHER_STRONG).user_id == created.user_id
    assert error_type(lambda: client.sessions.authenticate(session_token=second.session_token)) == (
        "session_not_found"
    )
    assert error_type(lambda: client.passwords.sessions.reset(password=STRONG)) == "no_session_arguments"

    # A session whose factors are older than five minutes may not set a password.
    settings = settings_of(server)
    stamp = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    stale = run_in_transaction(
        settings,
        lambda db: start_or_extend_session(
            db,
            KeyRing(at_rest_cipher(settings)),
            project_id=project.project_id,
            user_id=created.user_id,
            factor={"type": "password", "delivery_method": "knowledge", "last_authenticated_at": stamp},
            duration_minutes=60,
            existing_token=None,
            existing_jwt=None,
            custom_claims=None,
            now=datetime.now(UTC),
        ),
    )
    assert error_type(
        lambda: client.passwords.sessions.reset(password=STRONG, session_jwt=stale.session_jwt)
    ) == ("session_too_old_to_reset_password")


def test_eleven_wrong_passwords_lock_the_user(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("lock")
    created = client.passwords.create(email=email, password=STRONG)
    for _ in range(10):
        assert error_type(lambda: client.passwords.authenticate(email=email, password=OTHER_STRONG)) == (
            "unauthorized_credentials"
        )
    locked = error_of(lambda: client.passwords.authenticate(email=email, password=OTHER_STRONG))
    assert locked.details.error_type == "user_lock_limit_reached"
    # Locked means locked: the right password is refused too, and the User says so.
    assert error_type(lambda: client.passwords.authenticate(email=email, password=STRONG)) == (
        "user_lock_limit_reached"
    )
    user = client.users.get(created.user_id)
    assert user.is_locked is True
    assert user.lock_created_at is not None and user.lock_expires_at is not None
    assert user.lock_expires_at - user.lock_created_at == timedelta(hours=1)
    # Proving ownership of the address by a reset email lifts the lock.
    client.passwords.email.reset_start(email=email)
    client.passwords.email.reset(token=reset_token(smtp_sink, email), password=OTHER_STRONG)
    assert client.users.get(created.user_id).is_locked is False
    assert client.passwords.authenticate(email=email, password=OTHER_STRONG).user_id == created.user_id


def test_a_password_set_before_the_email_was_proven_must_be_reset(
    client: stytch.Client, smtp_sink: SmtpSink
) -> None:
    """Stytch's defence against pre-hijacked accounts: once someone proves the address by a passwordless
    login, a password set on it while it was unverified must be reset by email."""
    email = new_address("hijack")
    created = client.passwords.create(email=email, password=STRONG)
    client.magic_links.email.send(email=email)
    client.magic_links.authenticate(token=token_of(received_link(smtp_sink, email)))
    assert error_type(lambda: client.passwords.authenticate(email=email, password=STRONG)) == "reset_password"
    user = client.users.get(created.user_id)
    assert user.password is not None and user.password.requires_reset is True
    time.sleep(1.2)  # one reset email per second per address
    client.passwords.email.reset_start(email=email)
    client.passwords.email.reset(token=reset_token(smtp_sink, email), password=OTHER_STRONG)
    assert client.passwords.authenticate(email=email, password=OTHER_STRONG).user_id == created.user_id
