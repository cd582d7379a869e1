"""`keystile projects trusted-tokens add|list|remove`: a project's trusted auth token profiles (the JWT
issuers whose tokens `sessions.attest` exchanges for sessions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_or_exit
from keystile.clock import SystemClock, rfc3339
from keystile.config import get_settings
from keystile.factors.trusted_tokens import profiles
from keystile.factors.trusted_tokens.models import TrustedTokenProfile

app = typer.Typer(help="Trusted auth token profiles (sessions.attest).", no_args_is_help=True)
err = Console(stderr=True)

Project = Annotated[str, typer.Option("--project", help="The project's id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _shown(row: TrustedTokenProfile) -> dict[str, Any]:
    return {
        "profile_id": row.profile_id,
        "name": row.name,
        "issuer": row.issuer,
        "audience": row.audience,
        "jwks_url": row.jwks_url,
        "pem_keys": len(json.loads(row.pem_keys)) if row.pem_keys else 0,
        "algorithms": row.algorithms.split(","),
        "claims": row.claim_mapping,
        "created_at": rfc3339(row.created_at),
    }


def _claims(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        attribute, sep, claim = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"{pair!r}: use ATTRIBUTE=CLAIM (email=email, token_id=jti, ...)")
        mapping[attribute] = claim
    return mapping


@app.command("add")
def add(
    project_id: Project,
    name: Annotated[str, typer.Option(help="A name for people.")],
    issuer: Annotated[str, typer.Option(help="The tokens' iss.")],
    audience: Annotated[str, typer.Option(help="The tokens' aud.")],
    jwks_url: Annotated[str | None, typer.Option(help="Where the issuer publishes its keys.")] = None,
    pem_key: Annotated[
        list[Path] | None,
        typer.Option("--pem-key", exists=True, dir_okay=False, help="A PEM public key file (up to 5)."),
    ] = None,
    algorithm: Annotated[
        list[str] | None, typer.Option("--algorithm", help="Accepted signature algorithm (default RS256).")
    ] = None,
    claim: Annotated[
        list[str] | None,
        typer.Option("--claim", help="ATTRIBUTE=CLAIM: email, token_id (default jti), organization_id."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Add a profile; prints its profile_id, which `sessions.attest` names."""
    options = profiles.ProfileOptions(
        name=name,
        issuer=issuer,
        audience=audience,
        jwks_url=jwks_url,
        pem_keys=tuple(path.read_text() for path in pem_key or []),
        algorithms=tuple(algorithm or ["RS256"]),
        claims=_claims(claim or []),
    )
    now = SystemClock().now()

    async def work(db: AsyncSession) -> dict[str, Any]:
        return _shown(await profiles.add_profile(db, project_id=project_id, options=options, now=now))

    shown = run_or_exit(get_settings(), work)
    if as_json:
        print(json.dumps(shown))
    else:
        err.print(f"added trusted auth token profile {shown['profile_id']}")


@app.command("list")
def list_profiles(project_id: Project, as_json: AsJson = False) -> None:
    """The project's profiles."""

    async def work(db: AsyncSession) -> list[dict[str, Any]]:
        return [_shown(row) for row in await profiles.list_profiles(db, project_id)]

    shown = run_or_exit(get_settings(), work)
    if as_json:
        print(json.dumps(shown))
        return
    for item in shown:
        err.print(f"{item['profile_id']}\t{item['name']}\t{item['issuer']}")


@app.command("remove")
def remove(
    project_id: Project,
    profile_id: Annotated[str, typer.Option("--profile-id", help="The profile to remove.")],
    as_json: AsJson = False,
) -> None:
    """Remove a profile: its tokens stop attesting at once."""
    run_or_exit(get_settings(), lambda db: profiles.remove_profile(db, project_id, profile_id))
    if as_json:
        print(json.dumps({"project_id": project_id, "profile_id": profile_id, "removed": True}))
    else:
        err.print(f"removed {profile_id}")
