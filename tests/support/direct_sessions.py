"""Sessions started straight in a running server's database, as a magic link would start them, for
tests of what comes after (authenticating, verifying JWTs, rotating keys), and an SDK client."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt
import stytch

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.encryption import at_rest_cipher
from keystile.factors.common import authentication_factor
from keystile.sessions.keys import KeyRing
from keystile.sessions.service import IssuedSession, start_or_extend_session
from tests.support.server import KeystileServer, Project


def start_session(
    server: KeystileServer,
    project: Project,
    user_id: str,
    *,
    claims: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> IssuedSession:
    """A 60-minute session for `user_id` and its JWT, as a server whose clock reads `now` (by default
    the time now) would start them after a magic link."""
    settings = Settings(
        database_url=server.database_url, encryption_key=server.extra_env["KEYSTILE_ENCRYPTION_KEY"]
    )
    now = now or SystemClock().now()
    factor = authentication_factor(
        "magic_link",
        "email",
        now,
        email_factor={"email_id": "email-test-x", "email_address": "ada@example.com"},
    )
    return run_in_transaction(
        settings,
        lambda db: start_or_extend_session(
            db,
            KeyRing(at_rest_cipher(settings)),
            project_id=project.project_id,
            user_id=user_id,
            factor=factor,
            duration_minutes=60,
            existing_token=None,
            existing_jwt=None,
            custom_claims=claims,
            now=now,
        ),
    )


def fresh_client(server: KeystileServer, project: Project) -> stytch.Client:
    """A client with an empty JWKS cache (PyJWKClient refetches an unknown kid only every 30 s)."""
    return stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def kid_of(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])
