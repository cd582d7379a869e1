"""B2B passwords through the official Python SDK's `B2BClient` against a real server on every engine:
migrate (every hash type, rehashed to argon2id at login), authenticate into an organization, strength
check, lockout, organizations that disallow passwords or want MFA, and cross-organization passwords."""

from __future__ import annotations

from typing import Any

import stytch

from keystile.b2b.passwords.models import MemberPassword
from keystile.b2b.passwords.repository import MemberPasswordRepository
from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.magic_links import received_link, token_of
from tests.support.password_hashes import imported_hashes
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

STRONG = "violet tangerine oboe 71"
OTHER_STRONG = "horse staple cobalt 9"
LEGACY = "Legacy passphrase, kept 4 years"


def settings_of(server: KeystileServer) -> Settings:
    return Settings(
        database_url=server.database_url, encryption_key=server.extra_env["KEYSTILE_ENCRYPTION_KEY"]
    )


def stored(server: KeystileServer, project: Project, member_password_id: str) -> MemberPassword | None:
    """The password row, read straight from the server's database."""

    async def read(db: Any) -> MemberPassword | None:
        return await MemberPasswordRepository(db, project.project_id).by_id(member_password_id)

    return run_in_transaction(settings_of(server), read)


def organization(client: stytch.B2BClient, **settings: Any) -> str:
    domain = new_domain()
    created = client.organizations.create(organization_name=domain, organization_slug=domain, **settings)
    return created.organization.organization_id


def member_with_password(client: stytch.B2BClient, organization_id: str, label: str = "ada") -> str:
    """A new member of the organization whose password is STRONG (migrated in as argon2id)."""
    email = f"{label}@{new_domain()}"
    [argon] = [h for h in imported_hashes(STRONG) if h["hash_type"] == "argon_2i"]
    client.passwords.migrate(email_address=email, organization_id=organization_id, **argon)
    return email


def test_migrated_hashes_log_in_and_become_argon2id(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient
) -> None:
    organization_id = organization(b2b_client)
    for arguments in imported_hashes(LEGACY):
        email = f"{arguments['hash_type']}@{new_domain()}"
        migrated = b2b_client.passwords.migrate(
            email_address=email, organization_id=organization_id, name="Ada", **arguments
        )
        assert migrated.member_created is True
        member = migrated.member
        assert member.status == "active" and member.email_address_verified is True and member.name == "Ada"
        assert member.member_password_id
        row = stored(server, b2b_project, member.member_password_id)
        assert row is not None and row.hash_type == arguments["hash_type"]
        wrong = error_of(
            lambda e=email: b2b_client.passwords.authenticate(
                organization_id=organization_id, email_address=e, password=LEGACY[:-1]
            )
        )
        assert wrong.error_type == "unauthorized_credentials"

        auth = b2b_client.passwords.authenticate(
            organization_id=organization_id, email_address=email, password=LEGACY, session_duration_minutes=10
        )
        assert auth.member_authenticated is True and auth.member_id == migrated.member_id
        assert auth.organization_id == organization_id and auth.intermediate_session_token == ""
        assert auth.member_session is not None
        [factor] = auth.member_session.authentication_factors
        assert (factor.type, factor.delivery_method) == ("password", "knowledge")
        assert auth.member.member_password_id == member.member_password_id
        upgraded = stored(server, b2b_project, member.member_password_id)
        assert upgraded is not None and upgraded.hash_type == "argon_2id" and upgraded.hash_config is None
        assert upgraded.hash.startswith("$argon2id$")
        gated = b2b_client.sessions.authenticate(session_token=auth.session_token)
        assert gated.member.member_id == migrated.member_id


def test_migrate_onto_an_existing_member_and_refusals(b2b_client: stytch.B2BClient) -> None:
    organization_id = organization(b2b_client)
    email = f"grace@{new_domain()}"
    existing = b2b_client.organizations.members.create(organization_id=organization_id, email_address=email)
    assert existing.member.member_password_id == ""
    [bcrypt_hash] = [h for h in imported_hashes(LEGACY) if h["hash_type"] == "bcrypt"]
    migrated = b2b_client.passwords.migrate(
        email_address=email, organization_id=organization_id, **bcrypt_hash
    )
    assert migrated.member_created is False and migrated.member_id == existing.member_id
    got = b2b_client.organizations.members.get(organization_id=organization_id, member_id=existing.member_id)
    assert got.member.member_password_id == migrated.member.member_password_id != ""
    # A second migrate onto a member who has a password, a bad hash, an unknown organization.
    assert (
        error_of(
            lambda: b2b_client.passwords.migrate(
                email_address=email, organization_id=organization_id, **bcrypt_hash
            )
        ).error_type
        == "password_already_exists"
    )
    assert (
        error_of(
            lambda: b2b_client.passwords.migrate(
                email_address=f"x@{new_domain()}",
                organization_id=organization_id,
                hash_type="bcrypt",
                hash="nope",
            )
        ).error_type
        == "invalid_bcrypt_hash"
    )
    assert (
        error_of(
            lambda: b2b_client.passwords.migrate(
                email_address=email,
                organization_id="organization-test-00000000-0000-4000-8000-000000000000",
                **bcrypt_hash,
            )
        ).error_type
        == "organization_not_found"
    )
    # delete_password removes it; the member has none afterwards.
    b2b_client.organizations.members.delete_password(
        organization_id=organization_id, member_password_id=migrated.member.member_password_id
    )
    assert (
        b2b_client.organizations.members.get(
            organization_id=organization_id, member_id=existing.member_id
        ).member.member_password_id
        == ""
    )


def test_migrate_sets_the_mfa_phone_number_verified_or_not_and_the_roles(
    documents_policy: Project, b2b_client: stytch.B2BClient
) -> None:
    """`mfa_phone_number` is set, verified only with `set_phone_number_verified`, on a member added or
    there already; `roles` replace the explicit roles of a member there already."""
    organization_id = organization(b2b_client)
    [argon] = [h for h in imported_hashes(STRONG) if h["hash_type"] == "argon_2i"]
    added = b2b_client.passwords.migrate(
        email_address=f"ada@{new_domain()}",
        organization_id=organization_id,
        mfa_phone_number="+1 (415) 555-0100",
        set_phone_number_verified=True,
        **argon,
    ).member
    assert (added.mfa_phone_number, added.mfa_phone_number_verified) == ("+14155550100", True)
    unverified = b2b_client.passwords.migrate(
        email_address=f"bo@{new_domain()}",
        organization_id=organization_id,
        mfa_phone_number="+14155550101",
        **argon,
    ).member
    assert (unverified.mfa_phone_number, unverified.mfa_phone_number_verified) == ("+14155550101", False)

    email = f"cy@{new_domain()}"
    members = b2b_client.organizations.members
    existing = members.create(organization_id=organization_id, email_address=email, roles=["editor"]).member
    assert (existing.mfa_phone_number, existing.mfa_phone_number_verified) == ("", False)
    migrated = b2b_client.passwords.migrate(
        email_address=email,
        organization_id=organization_id,
        mfa_phone_number="+14155550102",
        set_phone_number_verified=True,
        roles=[],
        **argon,
    )
    assert migrated.member_created is False
    got = members.get(organization_id=organization_id, member_id=existing.member_id).member
    assert (got.mfa_phone_number, got.mfa_phone_number_verified) == ("+14155550102", True)
    assert [role.role_id for role in got.roles] == ["stytch_member"]


def test_strength_check(b2b_client: stytch.B2BClient) -> None:
    strong = b2b_client.passwords.strength_check(password=STRONG, email_address=f"ada@{new_domain()}")
    assert strong.valid_password is True and strong.score >= 3 and strong.breached_password is False
    assert strong.strength_policy == "zxcvbn" and strong.breach_detection_on_create is True
    assert strong.zxcvbn_feedback is not None and strong.luds_feedback is None
    breached = b2b_client.passwords.strength_check(password="Password123!")
    assert breached.valid_password is False and breached.breached_password is True
    weak = b2b_client.passwords.strength_check(password="ada12345", email_address="ada@example.com")
    assert weak.valid_password is False and weak.zxcvbn_feedback is not None
    assert weak.zxcvbn_feedback.suggestions


def test_wrong_passwords_lock_the_password_and_change_nothing(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient
) -> None:
    organization_id = organization(b2b_client)
    email = member_with_password(b2b_client, organization_id, "lock")

    def attempt(password: str) -> str:
        return str(
            error_of(
                lambda: b2b_client.passwords.authenticate(
                    organization_id=organization_id, email_address=email, password=password
                )
            ).error_type
        )

    first = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    password_id = first.member.member_password_id
    before = stored(server, b2b_project, password_id)
    for _ in range(10):
        assert attempt(OTHER_STRONG) == "unauthorized_credentials"
    assert attempt(OTHER_STRONG) == "user_lock_limit_reached"
    assert attempt(STRONG) == "user_lock_limit_reached"
    after = stored(server, b2b_project, password_id)
    assert before is not None and after is not None
    assert (after.hash, after.hash_type, after.requires_reset) == (before.hash, before.hash_type, False)
    # No address, or a member without a password, answers as a wrong password does.
    assert (
        error_of(
            lambda: b2b_client.passwords.authenticate(
                organization_id=organization_id, email_address=f"nobody@{new_domain()}", password=STRONG
            )
        ).error_type
        == "unauthorized_credentials"
    )


def test_an_organization_without_passwords_gets_no_member_session(b2b_client: stytch.B2BClient) -> None:
    organization_id = organization(b2b_client)
    email = member_with_password(b2b_client, organization_id, "sso")
    b2b_client.organizations.update(organization_id, auth_methods="RESTRICTED", allowed_auth_methods=["sso"])
    refused = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    assert refused.member_authenticated is False and refused.session_token == "" and refused.session_jwt == ""
    assert refused.member_session is None
    assert refused.primary_required is not None and refused.primary_required.allowed_auth_methods == ["sso"]
    assert refused.intermediate_session_token
    member = b2b_client.organizations.members.get(
        organization_id=organization_id, member_id=refused.member_id
    )
    assert member.member.status == "active"
    sessions = b2b_client.sessions.get(organization_id=organization_id, member_id=refused.member_id)
    assert sessions.member_sessions == []
    # Allowing passwords lets the same login in.
    b2b_client.organizations.update(organization_id, allowed_auth_methods=["sso", "password"])
    allowed = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    assert allowed.member_authenticated is True


def test_mfa_required_gives_an_intermediate_session(b2b_client: stytch.B2BClient) -> None:
    organization_id = organization(b2b_client, mfa_policy="REQUIRED_FOR_ALL")
    email = member_with_password(b2b_client, organization_id, "mfa")
    auth = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    assert auth.member_authenticated is False and auth.session_token == ""
    assert auth.mfa_required is not None and auth.intermediate_session_token
    assert auth.intermediate_session_token_expires_at is not None


def test_cross_organization_passwords(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient
) -> None:
    first, second = organization(b2b_client), organization(b2b_client)
    email = member_with_password(b2b_client, first, "cross")
    b2b_client.organizations.members.create(organization_id=second, email_address=email)
    # Organization-scoped (the default): the password opens only its own member's organization.
    assert (
        error_of(
            lambda: b2b_client.passwords.authenticate(
                organization_id=second, email_address=email, password=STRONG
            )
        ).error_type
        == "unauthorized_credentials"
    )

    policy = server.cli_json(
        "passwords", "policy", "--project", b2b_project.project_id, "--cross-org-passwords", "--json"
    )
    assert isinstance(policy, dict) and policy["cross_org_passwords"] is True
    other = f"cross2@{new_domain()}"
    for organization_id in (first, second):
        b2b_client.organizations.members.create(organization_id=organization_id, email_address=other)
    [argon] = [h for h in imported_hashes(STRONG) if h["hash_type"] == "argon_2i"]
    migrated = b2b_client.passwords.migrate(email_address=other, organization_id=first, **argon)
    # One password for the address: every member of it shows it, and it opens both organizations.
    for organization_id in (first, second):
        auth = b2b_client.passwords.authenticate(
            organization_id=organization_id, email_address=other, password=STRONG
        )
        assert auth.member_authenticated is True
        assert auth.member.member_password_id == migrated.member.member_password_id
    assert (
        error_of(
            lambda: b2b_client.passwords.migrate(email_address=other, organization_id=second, **argon)
        ).error_type
        == "password_already_exists"
    )


def reset_token(sink: SmtpSink, email: str) -> str:
    """The token of the reset link mailed to `email`, read from the SMTP sink."""
    link = received_link(sink, email)
    assert link.startswith(
        "http://localhost:3000/authenticate?stytch_token_type=multi_tenant_passwords&token="
    )
    return token_of(link, "multi_tenant_passwords")


def test_reset_by_email(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    organization_id = organization(b2b_client)
    email = f"reset@{new_domain()}"
    member = b2b_client.organizations.members.create(organization_id=organization_id, email_address=email)
    assert member.member.member_password_id == ""
    mail = Mailbox(b2b_client, smtp_sink)
    # A member without a password sets its first one by email; the link proves the address.
    mail.wait_turn(email)
    started = b2b_client.passwords.email.reset_start(organization_id=organization_id, email_address=email)
    assert started.member_id == member.member_id and started.member_email_id
    token = reset_token(smtp_sink, email)
    assert (
        error_of(
            lambda: b2b_client.passwords.email.reset(password_reset_token=token, password="password1")
        ).error_type
        == "breached_password"
    )
    reset = b2b_client.passwords.email.reset(
        password_reset_token=token, password=STRONG, session_duration_minutes=30
    )
    assert reset.member_authenticated is True and reset.member_id == member.member_id
    assert reset.organization_id == organization_id and reset.member_email_id == started.member_email_id
    assert reset.member.email_address_verified is True and reset.member.member_password_id
    assert reset.member_session is not None
    [factor] = reset.member_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("password", "email")
    # The token is single use: replayed, it is refused and changes nothing.
    before = stored(server, b2b_project, reset.member.member_password_id)
    assert (
        error_of(
            lambda: b2b_client.passwords.email.reset(password_reset_token=token, password=OTHER_STRONG)
        ).error_type
        == "unable_to_auth_password_reset_token"
    )
    after = stored(server, b2b_project, reset.member.member_password_id)
    assert before is not None and after is not None and after.hash == before.hash
    login = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    assert login.member_authenticated is True

    # A second reset ends every other session of the member.
    mail.wait_turn(email)
    b2b_client.passwords.email.reset_start(organization_id=organization_id, email_address=email)
    again = b2b_client.passwords.email.reset(
        password_reset_token=reset_token(smtp_sink, email), password=OTHER_STRONG
    )
    sessions = b2b_client.sessions.get(organization_id=organization_id, member_id=member.member_id)
    assert [s.member_session_id for s in sessions.member_sessions] == [again.member_session.member_session_id]
    assert (
        error_of(lambda: b2b_client.sessions.authenticate(session_token=login.session_token)).error_type
        == "session_not_found"
    )
    # No member of that address in the organization.
    assert (
        error_of(
            lambda: b2b_client.passwords.email.reset_start(
                organization_id=organization_id, email_address=f"nobody@{new_domain()}"
            )
        ).error_type
        == "member_not_found"
    )


def test_require_reset_refuses_the_password_until_reset_by_email(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    organization_id = organization(b2b_client)
    email = member_with_password(b2b_client, organization_id, "forced")
    login = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    required = b2b_client.passwords.email.require_reset(email_address=email, organization_id=organization_id)
    assert required.status_code == 200 and required.member_id == login.member_id
    assert required.member is not None and required.organization is not None
    assert required.organization.organization_id == organization_id
    row = stored(server, b2b_project, required.member.member_password_id)
    assert row is not None and row.requires_reset is True

    def authenticate(password: str) -> str:
        return error_of(
            lambda: b2b_client.passwords.authenticate(
                organization_id=organization_id, email_address=email, password=password
            )
        ).error_type

    assert authenticate(STRONG) == "reset_password"
    mail = Mailbox(b2b_client, smtp_sink)
    mail.wait_turn(email)
    b2b_client.passwords.email.reset_start(organization_id=organization_id, email_address=email)
    b2b_client.passwords.email.reset(
        password_reset_token=reset_token(smtp_sink, email), password=OTHER_STRONG
    )
    again = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=OTHER_STRONG
    )
    assert again.member_authenticated is True

    # Refusals, nothing marked: no such member, another member's id, a member without a password.
    def refused(**arguments: Any) -> str:
        return error_of(
            lambda: b2b_client.passwords.email.require_reset(organization_id=organization_id, **arguments)
        ).error_type

    assert refused(email_address=f"nobody@{new_domain()}") == "member_not_found"
    other = member_with_password(b2b_client, organization_id, "other")
    other_id = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=other, password=STRONG
    ).member_id
    assert refused(email_address=email, member_id=other_id) == "member_not_found"
    bare = f"bare@{new_domain()}"
    b2b_client.organizations.members.create(organization_id=organization_id, email_address=bare)
    assert refused(email_address=bare) == "member_password_not_found"
    assert b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=OTHER_STRONG
    ).member_authenticated


def test_reset_with_the_existing_password(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient
) -> None:
    organization_id = organization(b2b_client)
    email = member_with_password(b2b_client, organization_id, "existing")
    first = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    before = stored(server, b2b_project, first.member.member_password_id)
    # A wrong existing password, or a weak new one, changes nothing.
    assert (
        error_of(
            lambda: b2b_client.passwords.existing_password.reset(
                organization_id=organization_id,
                email_address=email,
                existing_password=OTHER_STRONG,
                new_password=LEGACY,
            )
        ).error_type
        == "unauthorized_credentials"
    )
    assert (
        error_of(
            lambda: b2b_client.passwords.existing_password.reset(
                organization_id=organization_id,
                email_address=email,
                existing_password=STRONG,
                new_password="abc",
            )
        ).error_type
        == "weak_password"
    )
    unchanged = stored(server, b2b_project, first.member.member_password_id)
    assert before is not None and unchanged is not None and unchanged.hash == before.hash
    reset = b2b_client.passwords.existing_password.reset(
        organization_id=organization_id,
        email_address=email,
        existing_password=STRONG,
        new_password=OTHER_STRONG,
    )
    assert reset.member_authenticated is True and reset.member_session is not None
    assert (
        error_of(lambda: b2b_client.sessions.authenticate(session_token=first.session_token)).error_type
        == "session_not_found"
    )
    b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=OTHER_STRONG
    )


def test_reset_by_session(b2b_client: stytch.B2BClient) -> None:
    organization_id, other = organization(b2b_client), organization(b2b_client)
    email = member_with_password(b2b_client, organization_id, "session")
    login = b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=STRONG
    )
    assert (
        error_of(
            lambda: b2b_client.passwords.sessions.reset(
                organization_id=other, password=OTHER_STRONG, session_token=login.session_token
            )
        ).error_type
        == "session_authorization_tenancy_error"
    )
    reset = b2b_client.passwords.sessions.reset(
        organization_id=organization_id, password=OTHER_STRONG, session_token=login.session_token
    )
    assert reset.member_authenticated is True and reset.member_session is not None
    assert reset.member_session.member_session_id == login.member_session.member_session_id
    assert reset.session_token and reset.session_token != login.session_token
    b2b_client.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=OTHER_STRONG
    )
    assert (
        error_of(
            lambda: b2b_client.passwords.sessions.reset(
                organization_id=organization_id, password=STRONG, session_token="nope"
            )
        ).error_type
        == "session_not_found"
    )


def enable_cross_org(server: KeystileServer, project: Project) -> None:
    server.cli_json("passwords", "policy", "--project", project.project_id, "--cross-org-passwords", "--json")


def test_discovery_needs_cross_organization_passwords(b2b_client: stytch.B2BClient) -> None:
    email = f"ada@{new_domain()}"
    for call in (
        lambda: b2b_client.passwords.discovery.authenticate(email_address=email, password=STRONG),
        lambda: b2b_client.passwords.discovery.email.reset_start(email_address=email),
        lambda: b2b_client.passwords.discovery.email.reset(password_reset_token="x" * 44, password=STRONG),
    ):
        assert error_of(call).error_type == "cross_org_passwords_not_enabled"


def test_discovery_reset_then_authenticate_and_exchange(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    enable_cross_org(server, b2b_project)
    first = organization(b2b_client)
    sso_only = organization(b2b_client, auth_methods="RESTRICTED", allowed_auth_methods=["sso"])
    domain = new_domain()
    email = f"ada@{domain}"
    for organization_id in (first, sso_only):
        b2b_client.organizations.members.create(organization_id=organization_id, email_address=email)
    # An organization that provisions members of the address's domain (by a proven address only).
    joinable = organization(b2b_client, email_jit_provisioning="RESTRICTED", email_allowed_domains=[domain])
    [argon] = [h for h in imported_hashes(LEGACY) if h["hash_type"] == "argon_2i"]
    b2b_client.passwords.migrate(email_address=f"boss@{domain}", organization_id=joinable, **argon)

    # No password yet: the discovery reset sets the address's one password.
    mail = Mailbox(b2b_client, smtp_sink)
    mail.wait_turn(email)
    b2b_client.passwords.discovery.email.reset_start(email_address=email)
    token = reset_token(smtp_sink, email)
    reset = b2b_client.passwords.discovery.email.reset(password_reset_token=token, password=STRONG)
    assert reset.email_address == email and reset.intermediate_session_token
    listed = {found.organization.organization_id: found for found in reset.discovered_organizations}
    assert set(listed) == {first, sso_only, joinable}
    assert listed[sso_only].primary_required is not None
    assert listed[sso_only].primary_required.allowed_auth_methods == ["sso"]
    assert listed[first].primary_required is None
    assert (
        error_of(
            lambda: b2b_client.passwords.discovery.email.reset(
                password_reset_token=token, password=OTHER_STRONG
            )
        ).error_type
        == "unable_to_auth_password_reset_token"
    )
    # Every member of the address now shows the one password.
    password_ids = {
        b2b_client.organizations.members.search(organization_ids=[o], query=None)
        .members[0]
        .member_password_id
        for o in (first, sso_only)
    }
    assert len(password_ids) == 1 and "" not in password_ids

    # Discovery by password lists the memberships only: a password proves no address.
    wrong = error_of(
        lambda: b2b_client.passwords.discovery.authenticate(email_address=email, password=LEGACY)
    )
    assert wrong.error_type == "unauthorized_credentials"
    auth = b2b_client.passwords.discovery.authenticate(email_address=email, password=STRONG)
    assert auth.email_address == email and auth.intermediate_session_token
    assert {found.organization.organization_id for found in auth.discovered_organizations} == {
        first,
        sso_only,
    }
    listed_again = b2b_client.discovery.organizations.list(
        intermediate_session_token=auth.intermediate_session_token
    )
    assert {found.organization.organization_id for found in listed_again.discovered_organizations} == {
        first,
        sso_only,
    }
    exchanged = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=auth.intermediate_session_token, organization_id=first
    )
    assert exchanged.member_authenticated is True and exchanged.member_session is not None
    [factor] = exchanged.member_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("password", "knowledge")
    # The same login cannot enter the organization that allows only SSO.
    again = b2b_client.passwords.discovery.authenticate(email_address=email, password=STRONG)
    refused = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=again.intermediate_session_token, organization_id=sso_only
    )
    assert refused.member_authenticated is False and refused.session_token == ""
    assert refused.primary_required is not None and refused.primary_required.allowed_auth_methods == ["sso"]
    # Nor join the organization of its domain.
    third = b2b_client.passwords.discovery.authenticate(email_address=email, password=STRONG)
    assert (
        error_of(
            lambda: b2b_client.discovery.intermediate_sessions.exchange(
                intermediate_session_token=third.intermediate_session_token, organization_id=joinable
            )
        ).error_type
        == "invalid_email_for_jit_provisioning"
    )
