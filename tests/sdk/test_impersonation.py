"""`impersonation.authenticate`, consumer and B2B, through the official `stytch` Python SDK, with
tokens minted by `keystile users impersonate` / `keystile members impersonate`: single use, stored as
SHA-256 digests, kept as the record of who impersonated whom, and the session marked `impersonated`."""

from __future__ import annotations

import hashlib
from typing import Any

import stytch
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.factors.impersonation.models import ImpersonationToken
from tests.support.b2b_mail import new_domain
from tests.support.password_hashes import imported_hashes
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

WHO = [
    "--impersonator-id",
    "support-7",
    "--impersonator-email",
    "Grace@Support.example",
    "--reason",
    "ticket 42",
]


def mint(server: KeystileServer, *args: str) -> dict[str, Any]:
    minted = server.cli_json(*args, *WHO, "--json")
    assert isinstance(minted, dict)
    return minted


def records(server: KeystileServer, project: Project) -> list[ImpersonationToken]:
    async def rows(db: AsyncSession) -> list[ImpersonationToken]:
        found = await db.scalars(
            select(ImpersonationToken).where(ImpersonationToken.project_id == project.project_id)
        )
        return list(found.all())

    return run_in_transaction(Settings(database_url=server.database_url), rows)


def test_impersonate_a_user(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    user = client.users.create(email="impersonated@example.com")
    minted = mint(server, "users", "impersonate", "--project", project.project_id, "--user-id", user.user_id)
    token = minted["impersonation_token"]
    assert minted["subject_id"] == user.user_id

    signed_in = client.impersonation.authenticate(impersonation_token=token)
    assert signed_in.status_code == 200
    assert signed_in.user_id == user.user_id
    assert signed_in.session is not None
    [factor] = signed_in.session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("impersonated", "impersonation")
    assert factor.impersonated_factor is not None
    assert factor.impersonated_factor.impersonator_id == "support-7"
    assert factor.impersonated_factor.impersonator_email_address == "grace@support.example"
    assert signed_in.session.expires_at is not None and signed_in.session.started_at is not None
    assert (signed_in.session.expires_at - signed_in.session.started_at).total_seconds() == 3600
    assert client.sessions.authenticate(session_token=signed_in.session_token).user.user_id == user.user_id
    # Impersonated sessions cannot be extended; the expiry stays as it was.
    assert error_type(
        lambda: client.sessions.authenticate(
            session_token=signed_in.session_token, session_duration_minutes=600
        )
    ) == ("impersonated_session_cannot_be_extended")
    [kept] = client.sessions.get(user_id=user.user_id).sessions
    assert kept.expires_at == signed_in.session.expires_at

    # Single use; stored as its SHA-256 digest only, with who impersonated whom and when it was used.
    assert error_type(lambda: client.impersonation.authenticate(impersonation_token=token)) == (
        "unable_to_auth_impersonation_token"
    )
    [record] = records(server, project)
    assert record.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert (record.subject_id, record.impersonator_id, record.reason) == (
        user.user_id,
        "support-7",
        "ticket 42",
    )
    assert record.consumed_at is not None
    assert len(client.sessions.get(user_id=user.user_id).sessions) == 1


def test_impersonation_refusals(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    user = client.users.create(email="target@example.com")
    assert error_type(lambda: client.impersonation.authenticate(impersonation_token="x" * 43)) == (
        "unable_to_auth_impersonation_token"
    )
    # Another project's token is no token of this one.
    other = server.create_project()
    stranger = stytch.Client(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    theirs = stranger.users.create(email="target@example.com")
    foreign = mint(server, "users", "impersonate", "--project", other.project_id, "--user-id", theirs.user_id)
    assert (
        error_type(
            lambda: client.impersonation.authenticate(impersonation_token=foreign["impersonation_token"])
        )
        == "unable_to_auth_impersonation_token"
    )
    assert client.sessions.get(user_id=user.user_id).sessions == []
    # Minting needs a user, a reason and a valid impersonator email.
    for args in (
        ["--user-id", f"user-test-{'0' * 8}-0000-4000-8000-{'0' * 12}", *WHO],
        ["--user-id", user.user_id, "--impersonator-id", "s", "--impersonator-email", "bad", "--reason", "r"],
        [
            "--user-id",
            user.user_id,
            "--impersonator-id",
            "s",
            "--impersonator-email",
            "a@b.example",
            "--reason",
            "",
        ],
    ):
        done = server.cli("users", "impersonate", "--project", project.project_id, *args)
        assert done.returncode == 1, args
    assert records(server, project) == []


def test_impersonate_a_member(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient
) -> None:
    org = b2b_client.organizations.create(organization_name="Imp Co", organization_slug="imp-co")
    organization_id = org.organization.organization_id
    member = b2b_client.organizations.members.create(organization_id, email_address="ada@imp.example")
    minted = mint(
        server, "members", "impersonate", "--project", b2b_project.project_id,
        "--organization-id", "imp-co", "--member-id", member.member.member_id,
    )  # fmt: skip
    signed_in = b2b_client.impersonation.authenticate(impersonation_token=minted["impersonation_token"])
    assert signed_in.status_code == 200
    assert (signed_in.member_id, signed_in.organization_id) == (member.member.member_id, organization_id)
    assert (signed_in.intermediate_session_token, signed_in.member_authenticated) == ("", True)
    assert signed_in.member_session is not None
    [factor] = signed_in.member_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("impersonated", "impersonation")
    assert factor.impersonated_factor is not None
    assert factor.impersonated_factor.impersonator_id == "support-7"
    found = b2b_client.sessions.authenticate(session_token=signed_in.session_token)
    assert found.member.member_id == member.member.member_id
    assert error_type(
        lambda: b2b_client.sessions.authenticate(
            session_token=signed_in.session_token, session_duration_minutes=600
        )
    ) == ("impersonated_session_cannot_be_extended")
    still = b2b_client.sessions.authenticate(session_token=signed_in.session_token)
    assert still.member_session.expires_at == signed_in.member_session.expires_at
    assert (
        error_type(
            lambda: b2b_client.impersonation.authenticate(impersonation_token=minted["impersonation_token"])
        )
        == "unable_to_auth_impersonation_token"
    )


STRONG = "violet tangerine oboe 71"


def argon(password: str) -> dict[str, Any]:
    [found] = [h for h in imported_hashes(password) if h["hash_type"] == "argon_2i"]
    return found


def test_a_factor_does_not_extend_an_impersonated_session(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    """The refusal is the shared session lifecycle's: a factor authenticated into an impersonated
    session (here a password) with session_duration_minutes is refused and nothing changes; without
    one the factor is added and the expiry stays."""
    email = f"imp-{new_domain()}@example.com"
    user_id = client.passwords.migrate(email=email, **argon(STRONG)).user_id
    minted = mint(server, "users", "impersonate", "--project", project.project_id, "--user-id", user_id)
    signed_in = client.impersonation.authenticate(impersonation_token=minted["impersonation_token"])
    assert error_type(
        lambda: client.passwords.authenticate(
            email=email, password=STRONG, session_token=signed_in.session_token, session_duration_minutes=600
        )
    ) == ("impersonated_session_cannot_be_extended")
    [kept] = client.sessions.get(user_id=user_id).sessions
    assert kept.expires_at == signed_in.session.expires_at
    assert [f.type for f in kept.authentication_factors] == ["impersonated"]
    added = client.passwords.authenticate(email=email, password=STRONG, session_token=signed_in.session_token)
    assert added.session.expires_at == signed_in.session.expires_at
    assert [f.type for f in added.session.authentication_factors] == ["impersonated", "password"]


def test_a_factor_does_not_extend_an_impersonated_member_session(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient
) -> None:
    domain = new_domain()
    org = b2b_client.organizations.create(organization_name=domain, organization_slug=domain)
    organization_id = org.organization.organization_id
    email = f"ada@{domain}"
    member_id = b2b_client.passwords.migrate(
        email_address=email, organization_id=organization_id, **argon(STRONG)
    ).member_id
    minted = mint(
        server, "members", "impersonate", "--project", b2b_project.project_id,
        "--organization-id", organization_id, "--member-id", member_id,
    )  # fmt: skip
    signed_in = b2b_client.impersonation.authenticate(impersonation_token=minted["impersonation_token"])
    assert error_type(
        lambda: b2b_client.passwords.authenticate(
            organization_id=organization_id,
            email_address=email,
            password=STRONG,
            session_token=signed_in.session_token,
            session_duration_minutes=600,
        )
    ) == ("impersonated_session_cannot_be_extended")
    still = b2b_client.sessions.authenticate(session_token=signed_in.session_token).member_session
    assert still.expires_at == signed_in.member_session.expires_at
    assert [f.type for f in still.authentication_factors] == ["impersonated"]
