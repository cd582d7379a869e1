"""examples/planetscale-users in Chromium: magic-link sign-in through the dev inbox, users added and
deleted in its MariaDB table, log out, refused afterwards (also with the old cookie)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pymysql
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.apps import EXAMPLES, click_link_in_dev_inbox, create_project, running_app, save_screenshot
from tests.support.databases import MARIADB_HOST
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, free_port

APP = EXAMPLES / "planetscale-users"
COOKIE_NAME = "planetscale_users_session"


def connect(database: str | None = None) -> pymysql.connections.Connection:
    return pymysql.connect(host=MARIADB_HOST, port=3306, user="root", password="", database=database)


@pytest.fixture
def users_database() -> Iterator[str]:
    """The app's own MariaDB database for this run, dropped afterwards."""
    name = f"planetscale_users_t{os.getpid()}"
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}`")
    yield name
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def users_in(database: str) -> list[tuple[object, ...]]:
    with connect(database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT name, email FROM users ORDER BY id")
        return list(cursor.fetchall())


def node() -> str:
    found = shutil.which("node")
    if found is None or not (APP / "node_modules" / "stytch").is_dir():
        pytest.fail("needs Node 20+ and `npm ci --prefix examples/planetscale-users`", pytrace=False)
    return found


def test_sign_in_manage_users_log_out(
    dev_keystile: KeystileServer, users_database: str, page: Page, tmp_path: Path
) -> None:
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    project = create_project(
        dev_keystile, "PlanetScale users e2e", "consumer", f"{app_url}/api/authenticate_magic_link"
    )
    env = {
        "STYTCH_PROJECT_ID": project["project_id"],
        "STYTCH_SECRET": project["secret"],
        "STYTCH_BASE_URL": dev_keystile.base_url,
        "DATABASE_URL": f"mysql://root@{MARIADB_HOST}:3306/{users_database}",
        "APP_URL": app_url,
    }
    email = new_address("planetscale")
    with running_app([node(), str(APP / "server.mjs")], port=port, env=env, log_path=tmp_path / "app.log"):
        page.goto(f"{app_url}/")
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Email me a link").click()
        expect(page.get_by_role("status")).to_have_text(f"Check {email} for a sign-in link.")

        click_link_in_dev_inbox(page, dev_keystile, project, email)
        expect(page).to_have_url(f"{app_url}/profile")
        expect(page.locator("#me")).to_have_text(email)
        expect(page.locator("#empty")).to_be_visible()

        for name, address in (("Grace Hopper", "grace@example.com"), ("Alan Turing", "alan@example.com")):
            page.get_by_placeholder("Name").fill(name)
            page.get_by_placeholder("Email").fill(address)
            page.get_by_role("button", name="Add user").click()
            expect(page.locator("#users tr", has_text=address)).to_contain_text(name)
        assert users_in(users_database) == [
            ("Grace Hopper", "grace@example.com"),
            ("Alan Turing", "alan@example.com"),
        ]
        save_screenshot(page, tmp_path, "planetscale-users-signed-in")

        page.get_by_role("button", name="Delete grace@example.com").click()
        expect(page.locator("#users tr")).to_have_count(1)
        assert users_in(users_database) == [("Alan Turing", "alan@example.com")]

        session_cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
        assert session_cookie["httpOnly"] is True
        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(f"{app_url}/")
        assert [c for c in page.context.cookies() if c["name"] == COOKIE_NAME] == []

        page.goto(f"{app_url}/profile")
        expect(page.locator("#unauthenticated")).to_have_text("user unauthenticated")
        refused = page.request.get(f"{app_url}/api/users")
        assert (refused.status, refused.json()) == (401, {"error": "user unauthenticated"})
        # Logging out revoked the session in keystile: the old cookie, replayed, is refused too.
        replayed = httpx.get(f"{app_url}/api/users", cookies={COOKIE_NAME: session_cookie["value"]})
        assert (replayed.status_code, replayed.json()) == (401, {"error": "user unauthenticated"})
    assert users_in(users_database) == [("Alan Turing", "alan@example.com")]
