"""`keystile oauth providers set|list|remove`: a project's OAuth clients at each provider."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock, rfc3339
from keystile.config import Settings, get_settings
from keystile.encryption import at_rest_cipher
from keystile.errors import KeystileError
from keystile.factors.oauth import configuration
from keystile.factors.oauth.models import OAuthProviderConfig
from keystile.logs import configure_logging
from keystile.projects.service import get_project

app = typer.Typer(help="OAuth social login.", no_args_is_help=True)
providers_app = typer.Typer(help="A project's OAuth providers.", no_args_is_help=True)
app.add_typer(providers_app, name="providers")
err = Console(stderr=True)
T = TypeVar("T")

Project = Annotated[str, typer.Option("--project", help="The project's id.")]
Name = Annotated[str, typer.Option("--provider", help="google, github, microsoft, … (see the README).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _shown(row: OAuthProviderConfig, settings: Settings, vertical: str) -> dict[str, Any]:
    """A configuration (of a project of `vertical`) as printed: never its client secret."""
    return {
        "provider": row.provider,
        "client_id": row.client_id,
        "callback_url": configuration.callback_url(settings.public_url, row.callback_id),
        "issuer": row.issuer,
        "authorize_url": row.authorize_url,
        "token_url": row.token_url,
        "userinfo_url": row.userinfo_url,
        "scopes": list(configuration.scopes_of(row, vertical)),
        "updated_at": rfc3339(row.updated_at),
    }


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work` in one transaction; a refusal is printed and exits with status 1."""
    try:
        return run_in_transaction(settings, work)
    except KeystileError as error:
        err.print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
        raise typer.Exit(code=1) from None


@providers_app.command("set")
def set_provider(
    project_id: Project,
    name: Name,
    client_id: Annotated[str, typer.Option("--client-id", help="The client id the provider issued.")],
    client_secret: Annotated[
        str, typer.Option("--client-secret", help="Its secret (stored encrypted at rest).")
    ],
    issuer: Annotated[
        str | None, typer.Option(help="OIDC providers: another issuer (its discovery document is used).")
    ] = None,
    authorize_url: Annotated[str | None, typer.Option(help="OAuth 2.0 providers: authorize URL.")] = None,
    token_url: Annotated[str | None, typer.Option(help="OAuth 2.0 providers: token URL.")] = None,
    userinfo_url: Annotated[str | None, typer.Option(help="OAuth 2.0 providers: userinfo URL.")] = None,
    scopes: Annotated[str | None, typer.Option(help="Space-separated; default: the provider's.")] = None,
    as_json: AsJson = False,
) -> None:
    """Create or replace the project's client at a provider; prints the callback URL to register."""
    settings = get_settings()
    configure_logging(settings)
    options = configuration.ProviderOptions(
        client_id, client_secret, issuer, authorize_url, token_url, userinfo_url, scopes
    )
    cipher = at_rest_cipher(settings)
    now = SystemClock().now()

    async def work(db: AsyncSession) -> dict[str, Any]:
        row = await configuration.set_provider(
            db, cipher, project_id=project_id, name=name, options=options, now=now
        )
        return _shown(row, settings, (await get_project(db, project_id)).vertical)

    shown = _run(settings, work)
    if as_json:
        print(json.dumps(shown))
    else:
        err.print(f"{shown['provider']}: register the callback URL {shown['callback_url']}")


@providers_app.command("list")
def list_providers(project_id: Project, as_json: AsJson = False) -> None:
    """The project's configured providers (client secrets are never shown)."""
    settings = get_settings()
    configure_logging(settings)

    async def work(db: AsyncSession) -> list[dict[str, Any]]:
        rows = await configuration.list_providers(db, project_id)
        vertical = (await get_project(db, project_id)).vertical
        return [_shown(row, settings, vertical) for row in rows]

    shown = _run(settings, work)
    if as_json:
        print(json.dumps(shown))
        return
    for item in shown:
        err.print(f"{item['provider']}\t{item['client_id']}\t{item['callback_url']}")


@providers_app.command("remove")
def remove_provider(project_id: Project, name: Name, as_json: AsJson = False) -> None:
    """Remove the project's client at a provider: its logins stop working."""
    settings = get_settings()
    configure_logging(settings)
    _run(settings, lambda db: configuration.remove_provider(db, project_id, name))
    if as_json:
        print(json.dumps({"project_id": project_id, "provider": name.lower(), "removed": True}))
    else:
        err.print(f"removed {name}")
