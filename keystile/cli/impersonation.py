"""`keystile users impersonate` and `keystile members impersonate`: mint a single-use, 5-minute
impersonation token (shown once) for `impersonation.authenticate`, recorded with who impersonated
whom and why."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.impersonation import mint_for_member
from keystile.cli.runtime import run_or_exit
from keystile.clock import SystemClock, rfc3339
from keystile.config import get_settings
from keystile.factors.impersonation.service import mint_for_user
from keystile.factors.impersonation.tokens import Impersonator, MintedToken

members_app = typer.Typer(help="B2B members.", no_args_is_help=True)
err = Console(stderr=True)

Project = Annotated[str, typer.Option("--project", help="The project's id.")]
ImpersonatorId = Annotated[str, typer.Option("--impersonator-id", help="Who impersonates (your id).")]
ImpersonatorEmail = Annotated[str, typer.Option("--impersonator-email", help="Your email address.")]
Reason = Annotated[str, typer.Option("--reason", help="Why (kept for the audit record).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _shown(minted: MintedToken) -> dict[str, Any]:
    row = minted.row
    return {
        "impersonation_token": minted.token,
        "token_id": row.token_id,
        "subject_id": row.subject_id,
        "organization_id": row.organization_id,
        "impersonator_id": row.impersonator_id,
        "expires_at": rfc3339(row.expires_at),
    }


def _print(shown: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(shown))
    else:
        print(shown["impersonation_token"])
        err.print(f"single use, expires at {shown['expires_at']}")


def impersonate_user(
    project_id: Project,
    user_id: Annotated[str, typer.Option("--user-id", help="The user (id or external id).")],
    impersonator_id: ImpersonatorId,
    impersonator_email: ImpersonatorEmail,
    reason: Reason,
    as_json: AsJson = False,
) -> None:
    """Mint a token to sign in as a user (`impersonation.authenticate`)."""
    who = Impersonator(impersonator_id, impersonator_email, reason)
    now = SystemClock().now()

    async def work(db: AsyncSession) -> dict[str, Any]:
        return _shown(await mint_for_user(db, project_id, user_id, who, now))

    _print(run_or_exit(get_settings(), work), as_json)


@members_app.command("impersonate")
def impersonate_member(
    project_id: Project,
    organization_id: Annotated[str, typer.Option("--organization-id", help="Its id, slug or external id.")],
    member_id: Annotated[str, typer.Option("--member-id", help="The member (id or external id).")],
    impersonator_id: ImpersonatorId,
    impersonator_email: ImpersonatorEmail,
    reason: Reason,
    as_json: AsJson = False,
) -> None:
    """Mint a token to sign in as a member (`b2b.impersonation.authenticate`)."""
    who = Impersonator(impersonator_id, impersonator_email, reason)
    now = SystemClock().now()

    async def work(db: AsyncSession) -> dict[str, Any]:
        minted = await mint_for_member(
            db, project_id, organization_ref=organization_id, member_ref=member_id, impersonator=who, now=now
        )
        return _shown(minted)

    _print(run_or_exit(get_settings(), work), as_json)
