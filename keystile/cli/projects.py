"""`keystile projects …`: create and list projects, rotate secrets, manage redirect URLs, WebAuthn
domains, the frontend SDK settings and the Connected Apps provider settings."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from keystile.cli import sdk, session_migration, trusted_tokens
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock, rfc3339
from keystile.config import get_settings
from keystile.errors import KeystileError
from keystile.idp import settings as provider
from keystile.projects import service
from keystile.projects.domains import rp_id_of
from keystile.projects.redirects import URL_TYPES

app = typer.Typer(help="Projects, their secrets and redirect URLs.", no_args_is_help=True)
secrets_app = typer.Typer(help="API secrets (several may be active, for rotation).", no_args_is_help=True)
redirects_app = typer.Typer(help="The redirect-URL allowlist.", no_args_is_help=True)
app.add_typer(secrets_app, name="secrets")
domains_app = typer.Typer(help="WebAuthn relying-party domains (allowed origins).", no_args_is_help=True)
app.add_typer(redirects_app, name="redirect-urls")
app.add_typer(domains_app, name="domains")
app.add_typer(trusted_tokens.app, name="trusted-tokens")
app.add_typer(session_migration.app, name="session-migration")
app.command("sdk")(sdk.sdk)

# Whatever a user typed (names, URLs, ids) goes through `escape`: Rich would read `[/x]` as markup.
out = Console()
err = Console(stderr=True)


def _fail(error: KeystileError) -> typer.Exit:
    err.print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
    return typer.Exit(code=1)


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="A name for people; need not be unique.")],
    vertical: Annotated[str, typer.Option(help="consumer or b2b")] = "consumer",
    environment: Annotated[
        str, typer.Option(help="live, or test: only a test project answers Stytch's sandbox values.")
    ] = service.LIVE,
    redirect_url: Annotated[
        list[str] | None,
        typer.Option("--redirect-url", help="Allowed for every link type; the first is the default."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create a project and print its secret (shown only this once)."""
    now = SystemClock().now()
    try:
        created = run_in_transaction(
            get_settings(),
            lambda s: service.create_project(
                s,
                name=name,
                vertical=vertical,
                environment=environment,
                redirect_urls=redirect_url or [],
                now=now,
            ),
        )
    except KeystileError as error:
        raise _fail(error) from None
    result = {
        "project_id": created.project.project_id,
        "secret": created.secret,
        "secret_id": created.secret_id,
        "public_token": created.project.public_token,
        "vertical": created.project.vertical,
        "environment": created.project.environment,
        "name": created.project.name,
    }
    if as_json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        out.print(f"[bold]{key}[/bold]: {escape(value)}")
    err.print("Keep the secret safe: it will not be shown again.")


@app.command("list")
def list_projects(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List projects (never their secrets)."""
    projects = run_in_transaction(get_settings(), service.list_projects)
    rows = [
        {
            "project_id": p.project_id,
            "name": p.name,
            "vertical": p.vertical,
            "environment": p.environment,
            "public_token": p.public_token,
            "created_at": rfc3339(p.created_at),
        }
        for p in projects
    ]
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("project_id", "name", "vertical", "environment", "created_at")
    for row in rows:
        name = escape(str(row["name"]))
        table.add_row(row["project_id"], name, row["vertical"], row["environment"], row["created_at"])
    out.print(table)


@secrets_app.command("create")
def create_secret(project_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Add a secret to a project; existing secrets stay valid."""
    now = SystemClock().now()
    try:
        created = run_in_transaction(get_settings(), lambda s: service.create_secret(s, project_id, now=now))
    except KeystileError as error:
        raise _fail(error) from None
    if as_json:
        print(json.dumps({"secret_id": created.secret_id, "secret": created.secret}))
    else:
        out.print(f"[bold]secret_id[/bold]: {created.secret_id}\n[bold]secret[/bold]: {created.secret}")


@secrets_app.command("list")
def list_secrets(project_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List a project's secrets by id and last four characters."""
    try:
        rows = run_in_transaction(get_settings(), lambda s: service.list_secrets(s, project_id))
    except KeystileError as error:
        raise _fail(error) from None
    listed = [
        {"secret_id": r.secret_id, "last_four": r.last_four, "created_at": rfc3339(r.created_at)}
        for r in rows
    ]
    if as_json:
        print(json.dumps(listed))
        return
    table = Table("secret_id", "last_four", "created_at")
    for row in listed:
        table.add_row(row["secret_id"], row["last_four"], row["created_at"])
    out.print(table)


@secrets_app.command("delete")
def delete_secret(project_id: str, secret_id: str) -> None:
    """Delete a secret (a project keeps at least one)."""
    try:
        run_in_transaction(get_settings(), lambda s: service.delete_secret(s, project_id, secret_id))
    except KeystileError as error:
        raise _fail(error) from None
    err.print(f"deleted {escape(secret_id)}")


TypesOption = Annotated[
    list[str] | None,
    typer.Option("--type", help=f"One of {', '.join(URL_TYPES)}; repeat; default all."),
]


@redirects_app.command("add")
def add_redirect_url(
    project_id: str,
    url: str,
    url_type: TypesOption = None,
    default: Annotated[bool, typer.Option("--default", help="Make it the default.")] = False,
) -> None:
    """Allow a redirect URL for some or all link types."""
    now = SystemClock().now()
    types = url_type or list(URL_TYPES)
    try:
        run_in_transaction(
            get_settings(),
            lambda s: service.add_redirect_url(s, project_id, url, types, is_default=default, now=now),
        )
    except KeystileError as error:
        raise _fail(error) from None
    err.print(f"allowed {escape(url)} for {', '.join(types)}")


@redirects_app.command("list")
def list_redirect_urls(project_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the allowed redirect URLs."""
    try:
        rows = run_in_transaction(get_settings(), lambda s: service.list_redirect_urls(s, project_id))
    except KeystileError as error:
        raise _fail(error) from None
    listed = [{"url": r.url, "type": r.url_type, "is_default": r.is_default} for r in rows]
    if as_json:
        print(json.dumps(listed))
        return
    table = Table("url", "type", "default")
    for row in listed:
        table.add_row(escape(str(row["url"])), str(row["type"]), "yes" if row["is_default"] else "")
    out.print(table)


@redirects_app.command("remove")
def remove_redirect_url(project_id: str, url: str, url_type: TypesOption = None) -> None:
    """Stop allowing a redirect URL (for the given types, or all)."""
    try:
        removed = run_in_transaction(
            get_settings(),
            lambda s: service.remove_redirect_url(s, project_id, url, url_type or []),
        )
    except KeystileError as error:
        raise _fail(error) from None
    err.print(f"removed {removed} entr{'y' if removed == 1 else 'ies'}")


ProjectOption = Annotated[str, typer.Option("--project", help="The project's id.")]
DomainArgument = Annotated[
    str, typer.Argument(help="example.com (its https origin), or an origin such as http://localhost:3000.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


@domains_app.command("add")
def add_domain(project_id: ProjectOption, domain: DomainArgument, as_json: AsJson = False) -> None:
    """Allow WebAuthn on an origin (http only for localhost, in test projects)."""
    now = SystemClock().now()
    try:
        origin = run_in_transaction(
            get_settings(), lambda s: service.add_webauthn_domain(s, project_id, domain, now=now)
        )
    except KeystileError as error:
        raise _fail(error) from None
    if as_json:
        print(json.dumps({"origin": origin, "rp_id": rp_id_of(origin)}))
    else:
        err.print(f"allowed {escape(origin)}")


@domains_app.command("list")
def list_domains(project_id: ProjectOption, as_json: AsJson = False) -> None:
    """List the origins WebAuthn is allowed on."""
    try:
        origins = run_in_transaction(get_settings(), lambda s: service.list_webauthn_domains(s, project_id))
    except KeystileError as error:
        raise _fail(error) from None
    listed = [{"origin": origin, "rp_id": rp_id_of(origin)} for origin in origins]
    if as_json:
        print(json.dumps(listed))
        return
    table = Table("origin", "rp_id")
    for row in listed:
        table.add_row(escape(row["origin"]), escape(row["rp_id"]))
    out.print(table)


@domains_app.command("remove")
def remove_domain(project_id: ProjectOption, domain: DomainArgument, as_json: AsJson = False) -> None:
    """Stop allowing WebAuthn on an origin."""
    try:
        removed = run_in_transaction(
            get_settings(), lambda s: service.remove_webauthn_domain(s, project_id, domain)
        )
    except KeystileError as error:
        raise _fail(error) from None
    if as_json:
        print(json.dumps({"removed": removed}))
    else:
        err.print(f"removed {removed} origin{'' if removed == 1 else 's'}")


@app.command("connected-apps")
def connected_apps(
    project_id: ProjectOption,
    authorization_url: Annotated[
        str | None,
        typer.Option(
            "--authorization-url", help="The app's authorization page (discovery's authorization_endpoint)."
        ),
    ] = None,
    dynamic_registration: Annotated[
        bool | None,
        typer.Option(
            "--dynamic-registration/--no-dynamic-registration",
            help="Let clients register themselves (RFC 7591), as MCP clients do.",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Show or change the project's Connected Apps provider settings."""
    now = SystemClock().now()
    try:
        changed = run_in_transaction(
            get_settings(),
            lambda s: provider.change_settings(
                s,
                project_id,
                authorization_url=authorization_url,
                dynamic_registration=dynamic_registration,
                now=now,
            ),
        )
    except KeystileError as error:
        raise _fail(error) from None
    if as_json:
        print(json.dumps(changed.document()))
    else:
        out.print(changed.document())
