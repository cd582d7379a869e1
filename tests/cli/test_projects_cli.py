"""The `keystile projects …` and first-start promises, through the real CLI against a running server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stytch
from sqlalchemy.ext.asyncio import AsyncSession
from stytch.core.response_base import StytchError

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.projects import service
from keystile.projects.redirects import URL_TYPES
from tests.support.server import KeystileServer

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
SECRET = re.compile(r"secret-(?:live|test)-[A-Za-z0-9_-]{43}")
LOGIN = "http://localhost:3000/authenticate"
SIGNUP = "https://app.example.com/welcome"


def sdk(server: KeystileServer, project_id: str, secret: str) -> stytch.Client:
    return stytch.Client(project_id, secret, environment=server.base_url, suppress_warnings=True)


def works(server: KeystileServer, project_id: str, secret: str, vertical: str = "consumer") -> bool:
    """Whether the official SDK gets through with these credentials (False on 401)."""
    try:
        if vertical == "b2b":
            b2b = stytch.B2BClient(project_id, secret, environment=server.base_url, suppress_warnings=True)
            b2b.organizations.search(limit=1)
        else:
            sdk(server, project_id, secret).users.search(limit=1)
    except StytchError as error:
        assert error.details.error_type == "unauthorized_credentials", error.details
        return False
    return True


def create_project(server: KeystileServer, *args: str) -> dict[str, Any]:
    """`projects create --json`: its stdout must be exactly one JSON object."""
    done = server.cli("projects", "create", "--json", *args)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1, done.stdout
    created = json.loads(done.stdout)
    assert isinstance(created, dict)
    return created


def redirect_urls(server: KeystileServer, project_id: str) -> list[dict[str, Any]]:
    listed = server.cli_json("projects", "redirect-urls", "list", project_id, "--json")
    assert isinstance(listed, list)
    return listed


def allowed(rows: list[dict[str, Any]]) -> dict[str, dict[str, bool]]:
    """{url: {type: is_default}}"""
    by_url: dict[str, dict[str, bool]] = {}
    for row in rows:
        by_url.setdefault(row["url"], {})[row["type"]] = row["is_default"]
    return by_url


def defaults(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """{type: [default urls]}"""
    return {t: [r["url"] for r in rows if r["type"] == t and r["is_default"]] for t in URL_TYPES}


@pytest.mark.parametrize("vertical", ["consumer", "b2b"])
def test_create_prints_one_json_object_whose_secret_works(server: KeystileServer, vertical: str) -> None:
    created = create_project(
        server, "--name", "Shop", "--vertical", vertical, "--redirect-url", LOGIN, "--redirect-url", SIGNUP
    )
    assert re.fullmatch(f"project-live-{UUID}", created["project_id"])
    assert SECRET.fullmatch(created["secret"]) and created["secret"].startswith("secret-live-")
    assert created["public_token"].startswith("public-token-live-")
    assert (created["vertical"], created["environment"]) == (vertical, "live")
    if vertical == "consumer":
        client = sdk(server, created["project_id"], created["secret"])
        user = client.users.create(email="first@example.com")
        assert client.users.get(user.user_id).emails[0].email == "first@example.com"
    else:
        assert works(server, created["project_id"], created["secret"], vertical="b2b")


def test_list_never_shows_secrets(server: KeystileServer) -> None:
    first = create_project(server, "--name", "Same name")
    second = create_project(server, "--name", "Same name")  # names need not be unique
    rotated = server.cli_json("projects", "secrets", "create", first["project_id"], "--json")
    assert isinstance(rotated, dict)
    for args in (("projects", "list", "--json"), ("projects", "list")):
        done = server.cli(*args)
        assert done.returncode == 0, done.stderr
        for secret in (first["secret"], second["secret"], rotated["secret"]):
            assert secret not in done.stdout + done.stderr
        assert not SECRET.search(done.stdout + done.stderr)
    listed = server.cli_json("projects", "list", "--json")
    assert isinstance(listed, list)
    assert {first["project_id"], second["project_id"]} <= {row["project_id"] for row in listed}
    assert all("secret" not in key for row in listed for key in row)


@pytest.fixture
def instant_revocation(server: KeystileServer, tmp_path: Path) -> Iterator[KeystileServer]:
    """A second server on the same database that caches no credentials at all."""
    srv = KeystileServer(
        server.database_url, tmp_path / "no-cache.log", extra_env={"KEYSTILE_CREDENTIAL_CACHE_SECONDS": "0"}
    ).start()
    yield srv
    srv.stop()


def test_secret_rotation(server: KeystileServer, instant_revocation: KeystileServer) -> None:
    created = create_project(server, "--name", "Rotating")
    project_id, first = created["project_id"], created["secret"]
    assert works(instant_revocation, project_id, first)

    second = server.cli_json("projects", "secrets", "create", project_id, "--json")
    assert isinstance(second, dict)
    assert SECRET.fullmatch(second["secret"]) and second["secret"] != first
    assert works(instant_revocation, project_id, second["secret"])
    assert works(instant_revocation, project_id, first)

    listed = server.cli_json("projects", "secrets", "list", project_id, "--json")
    assert isinstance(listed, list)
    assert [s["secret_id"] for s in listed] == [created["secret_id"], second["secret_id"]]
    assert [s["last_four"] for s in listed] == [first[-4:], second["secret"][-4:]]

    deleted = server.cli("projects", "secrets", "delete", project_id, created["secret_id"])
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout == ""
    assert not works(instant_revocation, project_id, first)
    assert works(instant_revocation, project_id, second["secret"])

    last = server.cli("projects", "secrets", "delete", project_id, second["secret_id"])
    assert last.returncode != 0
    assert last.stdout == ""
    assert "at least one secret" in " ".join(last.stderr.split())
    assert works(instant_revocation, project_id, second["secret"])


def test_the_first_redirect_url_is_every_types_default(server: KeystileServer) -> None:
    created = create_project(server, "--name", "Links", "--redirect-url", LOGIN, "--redirect-url", SIGNUP)
    rows = redirect_urls(server, created["project_id"])
    assert allowed(rows) == {
        LOGIN: dict.fromkeys(URL_TYPES, True),
        SIGNUP: dict.fromkeys(URL_TYPES, False),
    }
    assert defaults(rows) == {t: [LOGIN] for t in URL_TYPES}


def test_redirect_urls_add_list_remove(server: KeystileServer) -> None:
    project_id = create_project(server, "--name", "Links", "--redirect-url", LOGIN)["project_id"]
    invite = "https://app.example.com/invite?step=1"

    def cli_ok(*args: str) -> None:
        done = server.cli("projects", "redirect-urls", *args)
        assert done.returncode == 0, done.stderr
        assert done.stdout == ""

    cli_ok("add", project_id, invite, "--type", "invite", "--type", "signup", "--default")
    cli_ok("add", project_id, SIGNUP)  # every type, no default
    rows = redirect_urls(server, project_id)
    assert allowed(rows)[invite] == {"invite": True, "signup": True}
    assert allowed(rows)[SIGNUP] == dict.fromkeys(URL_TYPES, False)
    assert defaults(rows) == {
        "login": [LOGIN],
        "signup": [invite],
        "invite": [invite],
        "reset_password": [LOGIN],
        "discovery": [LOGIN],
    }

    # Adding an allowed URL again as default moves the default, without duplicating it.
    cli_ok("add", project_id, SIGNUP, "--type", "login", "--default")
    rows = redirect_urls(server, project_id)
    assert len(rows) == 5 + 2 + 5
    assert defaults(rows)["login"] == [SIGNUP]
    assert allowed(rows)[LOGIN]["login"] is False

    cli_ok("remove", project_id, invite, "--type", "signup")
    assert allowed(redirect_urls(server, project_id))[invite] == {"invite": True}
    cli_ok("remove", project_id, SIGNUP)
    rows = redirect_urls(server, project_id)
    assert set(allowed(rows)) == {LOGIN, invite}
    cli_ok("remove", project_id, "https://never.example.com/added")

    table = server.cli("projects", "redirect-urls", "list", project_id)
    assert table.returncode == 0, table.stderr
    assert invite in table.stdout and "login" in table.stdout


def test_text_that_looks_like_markup_is_printed_as_it_is(server: KeystileServer) -> None:
    """Rich reads `[/x]` as a closing tag: user text must be escaped, not crash the command."""
    name = "Shop [/red] [bold]"
    url = "https://app.example.com/cb?next=[/link]"
    created = server.cli("projects", "create", "--name", name, "--redirect-url", url)
    assert created.returncode == 0, created.stderr
    assert name in created.stdout
    project_id = re.search(f"project-live-{UUID}", created.stdout)
    assert project_id is not None
    for args in (
        ("projects", "list"),
        ("projects", "redirect-urls", "add", project_id[0], url + "2", "--type", "login"),
        ("projects", "redirect-urls", "list", project_id[0]),
    ):
        done = server.cli(*args)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert url in " ".join(server.cli("projects", "redirect-urls", "list", project_id[0]).stdout.split())


# (arguments after `projects`, text the error on stderr must contain); {P} is an existing project.
REFUSED = {
    "vertical": (["create", "--name", "N", "--vertical", "enterprise"], "vertical must be one of"),
    "javascript-url": (
        ["create", "--name", "N", "--redirect-url", "javascript:alert(1)"],
        "javascript:alert(1)",
    ),
    "relative-url": (["create", "--name", "N", "--redirect-url", "/authenticate"], "absolute http(s) URL"),
    "scheme-relative-url": (
        ["create", "--name", "N", "--redirect-url", "//evil.example/cb"],
        "absolute http(s) URL",
    ),
    "data-url": (
        ["create", "--name", "N", "--redirect-url", "data:text/html,<script>"],
        "absolute http(s) URL",
    ),
    "ftp-url": (["create", "--name", "N", "--redirect-url", "ftp://example.com/cb"], "absolute http(s) URL"),
    "url-with-fragment": (
        ["create", "--name", "N", "--redirect-url", "https://a.example/#x"],
        "absolute http(s) URL",
    ),
    "url-with-space": (
        ["create", "--name", "N", "--redirect-url", "https://a.example/a b"],
        "control characters",
    ),
    "second-url-bad": (
        ["create", "--name", "N", "--redirect-url", LOGIN, "--redirect-url", "javascript:alert(1)"],
        "javascript:alert(1)",
    ),
    "empty-name": (["create", "--name", ""], "Project name"),
    "long-name": (["create", "--name", "n" * 201], "Project name"),
    "name-with-newline": (["create", "--name", "a\nb"], "Project name"),
    "add-javascript-url": (["redirect-urls", "add", "{P}", "javascript:alert(1)"], "javascript:alert(1)"),
    "add-unknown-type": (["redirect-urls", "add", "{P}", LOGIN, "--type", "logout"], "logout"),
    "add-to-missing-project": (["redirect-urls", "add", "project-test-missing", LOGIN], "project_not_found"),
    "remove-unknown-type": (["redirect-urls", "remove", "{P}", LOGIN, "--type", "logout"], "logout"),
    "list-urls-of-missing-project": (["redirect-urls", "list", "project-test-missing"], "project_not_found"),
    "secret-for-missing-project": (["secrets", "create", "project-test-missing"], "project_not_found"),
    "delete-missing-secret": (["secrets", "delete", "{P}", "secret-test-missing"], "secret_not_found"),
}


def stored(server: KeystileServer, project_id: str) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """Every project id, and the redirect URLs of `project_id`, read straight from the database."""

    async def read(session: AsyncSession) -> tuple[list[str], list[tuple[str, str, bool]]]:
        projects = [p.project_id for p in await service.list_projects(session)]
        urls = [
            (u.url, u.url_type, u.is_default) for u in await service.list_redirect_urls(session, project_id)
        ]
        return projects, urls

    return run_in_transaction(Settings(database_url=server.database_url), read)


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_bad_input_is_refused_on_stderr(server: KeystileServer, case: tuple[list[str], str]) -> None:
    args, message = case
    project = server.create_project(redirect_urls=[LOGIN])
    before = stored(server, project.project_id)

    done = server.cli("projects", *(a.replace("{P}", project.project_id) for a in args))
    assert done.returncode != 0
    assert done.stdout == ""
    stderr = " ".join(done.stderr.split())  # Rich wraps long lines
    assert stderr.startswith("error "), stderr
    assert message in stderr
    assert "Traceback" not in stderr
    # Nothing was half-done: no new project, no new URL, no lost secret.
    assert stored(server, project.project_id) == before
    assert works(server, project.project_id, project.secret)


def test_first_start_creates_a_test_project_and_shows_its_secret_once(tmp_path: Path) -> None:
    """Without a terminal, the secret goes to `first-project.json` beside the database, not to the log."""
    database_url = f"sqlite:///{tmp_path / 'fresh' / 'keystile.db'}"
    shown_in = tmp_path / "fresh" / "first-project.json"
    first = KeystileServer(database_url, tmp_path / "first.log").start()
    try:
        shown = json.loads(shown_in.read_text())
        assert re.fullmatch(f"project-test-{UUID}", shown["project_id"]) and shown["environment"] == "test"
        assert SECRET.fullmatch(shown["secret"]) and shown["secret"].startswith("secret-test-")
        assert not SECRET.search(first.log_path.read_text())
        assert works(first, shown["project_id"], shown["secret"])
        project_ids = [shown["project_id"]]
    finally:
        first.stop()

    shown_in.unlink()
    again = KeystileServer(database_url, tmp_path / "again.log").start()
    try:
        assert not shown_in.exists()
        assert project_ids[0] not in again.log_path.read_text()
        assert works(again, project_ids[0], shown["secret"])
    finally:
        again.stop()
    listed = again.cli_json("projects", "list", "--json")
    assert isinstance(listed, list)
    assert [p["project_id"] for p in listed] == project_ids
    rows = redirect_urls(again, project_ids[0])
    assert defaults(rows) == {t: ["http://localhost:3000/authenticate"] for t in URL_TYPES}
