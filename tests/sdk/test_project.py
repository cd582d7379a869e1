"""`debug.whoami` and `project.metrics` through the official `stytch` Python SDK, for consumer and B2B
projects."""

from __future__ import annotations

import stytch

from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project


def counts(metrics: list[object]) -> dict[str, int]:
    return {str(m.metric_type.value): m.count for m in metrics}  # type: ignore[attr-defined]


def test_whoami(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    who = client.debug.whoami()
    assert who.project_id == project.project_id
    assert who.name == "test"
    wrong = stytch.Client(project.project_id, "secret-test-" + "A" * 36, environment=server.base_url)
    assert error_type(wrong.debug.whoami) == "unauthorized_credentials"


def test_consumer_metrics(project: Project, client: stytch.Client) -> None:
    assert counts(client.project.metrics().metrics) == {"USER_COUNT": 0, "M2M_CLIENT_COUNT": 0}
    for i in range(3):
        client.users.create(email=f"counted{i}@example.com")
    client.m2m.clients.create(scopes=["read:users"])
    metrics = client.project.metrics()
    assert metrics.project_id == project.project_id
    assert counts(metrics.metrics) == {"USER_COUNT": 3, "M2M_CLIENT_COUNT": 1}


def test_b2b_metrics(b2b_project: Project, b2b_client: stytch.B2BClient) -> None:
    org = b2b_client.organizations.create(organization_name="Counted", organization_slug="counted")
    for name in ("a", "b"):
        b2b_client.organizations.members.create(
            organization_id=org.organization.organization_id, email_address=f"{name}@counted.example"
        )
    metrics = b2b_client.project.metrics()
    assert metrics.project_id == b2b_project.project_id
    assert counts(metrics.metrics) == {"ORGANIZATION_COUNT": 1, "MEMBER_COUNT": 2, "M2M_CLIENT_COUNT": 0}
    assert b2b_client.debug.whoami().project_id == b2b_project.project_id
