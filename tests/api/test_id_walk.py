"""Every route in /openapi.json, walked with a malformed id in each id parameter (Stytch's 400
`invalid_<thing>_id`) and with well-formed unknown ids (a 404 `<thing>_not_found`); ids of another
project are answered exactly as unknown ones."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stytch
from stytch.core.response_base import StytchError

from keystile.api.schemas.ids import UNKNOWN_UUID
from tests.support.id_walk import MALFORMED, UNKNOWN_IDS_UNREACHABLE, Route, routes
from tests.support.server import KeystileServer, Project


@pytest.fixture(scope="module")
def walk(server: KeystileServer) -> tuple[list[Route], dict[str, Project]]:
    spec = httpx.get(server.base_url + "openapi.json", timeout=30).json()
    projects = {"consumer": server.create_project(), "b2b": server.create_project(vertical="b2b")}
    # A WebAuthn domain, so that WebAuthn routes get as far as looking the user up.
    server.cli_json(
        "projects",
        "domains",
        "add",
        "--project",
        projects["consumer"].project_id,
        "walk.example.com",
        "--json",
    )
    return list(routes(spec)), projects


def _send(server: KeystileServer, route: Route, projects: dict[str, Project], values: dict[str, str]) -> Any:
    project = projects["b2b" if route.path.startswith("/v1/b2b") else "consumer"]
    path, query, body = route.request(values)
    response = httpx.request(
        route.method,
        server.base_url.rstrip("/") + path,
        params=query,
        json=body,
        auth=(project.project_id, project.secret),
        timeout=30,
    )
    return response.status_code, response.json()


def test_every_id_parameter_is_typed(walk: tuple[list[Route], dict[str, Project]]) -> None:
    untyped = [f"{route}: {name}" for route in walk[0] for name in route.untyped]
    assert not untyped, (
        "id parameters without a typed id (keystile/api/schemas/ids.py), or add them to NOT_IDS in "
        f"tests/support/id_walk.py with the reason: {untyped}"
    )


def test_a_malformed_id_anywhere_is_stytchs_400(
    server: KeystileServer, walk: tuple[list[Route], dict[str, Project]]
) -> None:
    wrong = []
    for route in walk[0]:
        for param in route.ids:
            ids = next(values for values in route.id_sets() if param.name in values)
            status, body = _send(server, route, walk[1], {**ids, param.name: MALFORMED})
            expected = (400, param.invalid)
            if (status, body.get("error_type")) != expected or body["error_url"].rsplit("#")[
                -1
            ] != param.invalid:
                wrong.append(
                    f"{route} with {param.location} {param.name} malformed: {status} {body} != {expected}"
                )
    assert not wrong, "\n".join(wrong)


def test_well_formed_unknown_ids_are_404(
    server: KeystileServer, walk: tuple[list[Route], dict[str, Project]]
) -> None:
    wrong = []
    for route in walk[0]:
        if str(route) in UNKNOWN_IDS_UNREACHABLE:
            continue
        for ids in route.id_sets():
            status, body = _send(server, route, walk[1], ids)
            # The first thing a route cannot find may be another argument (an unknown session token).
            if status != 404 or not body.get("error_type", "").endswith("_not_found"):
                wrong.append(
                    f"{route} with unknown {sorted(ids)}: {status} {body}, expected a 404 *_not_found"
                )
    assert not wrong, "\n".join(wrong)


def _refusal(call: Any) -> tuple[int, str | None, str, str | None]:
    with pytest.raises(StytchError) as caught:
        call()
    details = caught.value.details
    return details.status_code, details.error_type, details.error_message, details.error_url


def test_another_projects_ids_are_answered_as_unknown_ones(server: KeystileServer) -> None:
    def consumer() -> stytch.Client:
        project = server.create_project()
        return stytch.Client(
            project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
        )

    owner, stranger = consumer(), consumer()
    user_id = owner.users.create(email="owned@example.com").user_id
    unknown = f"user-test-{UNKNOWN_UUID}"
    assert _refusal(lambda: stranger.users.get(user_id=user_id)) == _refusal(
        lambda: stranger.users.get(user_id=unknown)
    )
    assert _refusal(lambda: stranger.users.get(user_id=user_id))[:2] == (404, "user_not_found")
    assert _refusal(lambda: stranger.sessions.get(user_id=user_id)) == _refusal(
        lambda: stranger.sessions.get(user_id=unknown)
    )
    assert _refusal(lambda: stranger.users.get(user_id="user-test-123"))[:3] == (
        400,
        "invalid_user_id",
        "user_id format is invalid.",
    )


def test_another_projects_organizations_and_members_are_answered_as_unknown_ones(
    server: KeystileServer,
) -> None:
    def b2b() -> stytch.B2BClient:
        project = server.create_project(vertical="b2b")
        return stytch.B2BClient(
            project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
        )

    owner, stranger = b2b(), b2b()
    organization_id = owner.organizations.create(organization_name="Owned").organization.organization_id
    member_id = owner.organizations.members.create(
        organization_id=organization_id, email_address="owned@example.com"
    ).member_id
    unknown_org, unknown_member = f"organization-test-{UNKNOWN_UUID}", f"member-test-{UNKNOWN_UUID}"
    assert _refusal(lambda: stranger.organizations.get(organization_id=organization_id)) == _refusal(
        lambda: stranger.organizations.get(organization_id=unknown_org)
    )
    assert _refusal(lambda: stranger.organizations.get(organization_id=organization_id))[:2] == (
        404,
        "organization_not_found",
    )
    assert _refusal(lambda: stranger.organizations.members.dangerously_get(member_id=member_id)) == _refusal(
        lambda: stranger.organizations.members.dangerously_get(member_id=unknown_member)
    )
