"""`authorization_check` on sessions through the official SDKs: remote checks (`sessions.authenticate`)
that pass with Stytch's verdict or are refused with its 403 and change nothing, and the SDKs' local
checks (`authenticate_jwt_local`), which fetch the policy from keystile; consumer and B2B, with an
organization's custom roles and tenancy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import stytch
from stytch.b2b.models.sessions import AuthorizationCheck
from stytch.consumer.models.sessions import AuthorizationCheck as ConsumerAuthorizationCheck
from stytch.shared.rbac_local import RBACConsumerPermissionError, RBACPermissionError, TenancyError

from tests.sdk.test_rbac_policy import AUDITOR, POLICY, set_policy
from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.direct_sessions import start_session
from tests.support.node_sdk import run_node_scenario
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

READ = {"resource_id": "documents", "action": "read"}
WRITE = {"resource_id": "documents", "action": "write"}
DELETE = {"resource_id": "documents", "action": "delete"}


def test_consumer_checks_remote_and_local(
    server: KeystileServer, project: Project, client: stytch.Client, tmp_path: Path
) -> None:
    assert set_policy(server, project, POLICY, tmp_path).returncode == 0
    editor = start_session(
        server, project, client.users.create(email="ed@example.com", roles=["editor"]).user_id
    )
    plain = start_session(server, project, client.users.create(email="pl@example.com").user_id)
    assert editor.session is not None

    allowed = client.sessions.authenticate(session_token=editor.session_token, authorization_check=WRITE)
    assert allowed.verdict is not None and allowed.verdict.authorized is True
    assert allowed.verdict.granting_roles == ["editor"]
    assert client.sessions.authenticate(session_token=editor.session_token).verdict is None

    refused = error_of(
        lambda: client.sessions.authenticate(
            session_token=plain.session_token, authorization_check=WRITE, session_duration_minutes=600
        )
    )
    assert (refused.status_code, refused.error_type) == (403, "consumer_session_authorization_error")
    assert (
        refused.error_message
        == "The User is not authorized to perform the requested action on that resource."
    )
    # Refused: the session was not extended.
    after = client.sessions.authenticate(session_token=plain.session_token).session
    assert after.expires_at is not None and plain.session is not None
    assert abs((after.expires_at - plain.session.expires_at).total_seconds()) < 1
    assert error_type(
        lambda: client.sessions.authenticate(session_token=editor.session_token, authorization_check=DELETE)
    ) == ("consumer_session_authorization_error")
    unknown = error_of(
        lambda: client.sessions.authenticate(
            session_token=editor.session_token,
            authorization_check={"resource_id": "documents", "action": "fly"},
        )
    )
    assert (unknown.status_code, unknown.error_type) == (400, "invalid_authorization_check")

    # The SDK's local check reads the policy from keystile (`rbac.policy`), then decides alone.
    local = client.sessions.authenticate_jwt_local(
        editor.session_jwt, authorization_check=ConsumerAuthorizationCheck(**READ)
    )
    assert local is not None and local.roles == ["stytch_user", "editor"]
    with pytest.raises(RBACConsumerPermissionError):
        client.sessions.authenticate_jwt_local(
            plain.session_jwt, authorization_check=ConsumerAuthorizationCheck(**READ)
        )


def test_b2b_checks_remote_and_local(
    server: KeystileServer, documents_policy: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = b2b_client.organizations.create(organization_name=domain).organization.organization_id
    b2b_client.rbac.organizations.set_org_policy(org, {"roles": [AUDITOR]})
    for name, roles in (("ed", ["editor"]), ("au", ["auditor"]), ("pl", [])):
        b2b_client.organizations.members.create(
            organization_id=org, email_address=f"{name}@{domain}", roles=roles
        )
    editor, auditor, plain = (mail.log_in(org, f"{name}@{domain}") for name in ("ed", "au", "pl"))

    def check(action: dict[str, str], organization_id: str = org) -> dict[str, str]:
        return {"organization_id": organization_id, **action}

    allowed = b2b_client.sessions.authenticate(
        session_token=editor.session_token, authorization_check=check(WRITE)
    )
    assert allowed.verdict is not None and allowed.verdict.granting_roles == ["editor"]
    # A role of the organization's own (its custom roles) grants too.
    by_custom = b2b_client.sessions.authenticate(
        session_jwt=auditor.session_jwt, authorization_check=check(READ)
    )
    assert by_custom.verdict is not None and by_custom.verdict.granting_roles == ["auditor"]
    # Stytch's default roles are checked like any other: stytch_member may update itself.
    own = b2b_client.sessions.authenticate(
        session_token=plain.session_token,
        authorization_check=check({"resource_id": "stytch.self", "action": "update.info.name"}),
    )
    assert own.verdict is not None and own.verdict.granting_roles == ["stytch_member"]
    for session, action in ((auditor, WRITE), (plain, READ)):
        refused = error_of(
            lambda session=session, action=action: b2b_client.sessions.authenticate(
                session_token=session.session_token, authorization_check=check(action)
            )
        )
        assert (refused.status_code, refused.error_type) == (403, "session_authorization_error")
    other = b2b_client.organizations.create(organization_name=new_domain()).organization.organization_id
    tenancy = error_of(
        lambda: b2b_client.sessions.authenticate(
            session_token=editor.session_token, authorization_check=check(READ, other)
        )
    )
    assert (tenancy.status_code, tenancy.error_type) == (403, "session_authorization_tenancy_error")
    # An action or a resource the policy does not define is bad input (400), not a refusal (403).
    for unknown, named in (
        ({"resource_id": "documents", "action": "fly"}, "'fly'"),
        ({"resource_id": "invoices", "action": "read"}, "'invoices'"),
    ):
        bad = error_of(
            lambda unknown=unknown: b2b_client.sessions.authenticate(
                session_token=editor.session_token, authorization_check=check(unknown)
            )
        )
        assert (bad.status_code, bad.error_type) == (400, "invalid_authorization_check")
        assert named in bad.error_message

    # Local checks: the SDK merges the project's policy and the organization's custom roles.
    local = b2b_client.sessions.authenticate_jwt_local(
        auditor.session_jwt, authorization_check=AuthorizationCheck(**check(READ))
    )
    assert local is not None and local.roles == ["stytch_member", "auditor"]
    with pytest.raises(RBACPermissionError):
        b2b_client.sessions.authenticate_jwt_local(
            auditor.session_jwt, authorization_check=AuthorizationCheck(**check(WRITE))
        )
    with pytest.raises(TenancyError):
        b2b_client.sessions.authenticate_jwt_local(
            editor.session_jwt, authorization_check=AuthorizationCheck(**check(READ, other))
        )

    node: dict[str, Any] = run_node_scenario(
        server,
        documents_policy,
        "rbac_checks",
        RBAC_ORGANIZATION=org,
        EDITOR_TOKEN=editor.session_token,
        EDITOR_JWT=editor.session_jwt,
        PLAIN_TOKEN=plain.session_token,
        PLAIN_JWT=plain.session_jwt,
    )["steps"]
    assert node["remote_allowed"]["verdict"] == {"authorized": True, "granting_roles": ["editor"]}
    assert node["remote_refused"]["error_type"] == "session_authorization_error"
    assert node["local_allowed"]["roles"] == ["stytch_member", "editor"]
    assert node["local_refused"] == "invalid_permissions"
    unknown_action = node["remote_unknown_action"]
    assert (unknown_action["status_code"], unknown_action["error_type"]) == (
        400,
        "invalid_authorization_check",
    )
