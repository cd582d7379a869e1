"""`keystile sms …`: a project's SMS/WhatsApp limits (toll-fraud protection), and a loopback SMS
provider for development."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import get_settings
from keystile.delivery.tollfraud import TextPolicy, set_text_policy, text_policy
from keystile.devtools.sms_sink import SinkMessage, SmsSink
from keystile.errors import KeystileError

app = typer.Typer(help="SMS and WhatsApp: limits per project, and a dev SMS provider.", no_args_is_help=True)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.command("policy")
def policy(
    project_id: str,
    country: Annotated[
        list[str] | None,
        typer.Option("--country", help="ISO 3166 code of a country to allow; repeat; replaces the list."),
    ] = None,
    per_phone: Annotated[int | None, typer.Option(help="Messages per phone number per hour.")] = None,
    per_ip: Annotated[
        int | None, typer.Option(help="Messages per client IP (IPv6: per /64) per hour.")
    ] = None,
    per_project: Annotated[int | None, typer.Option(help="Messages per project per hour.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show a project's SMS/WhatsApp policy; with options, change the parts given."""
    now = SystemClock().now()

    async def show_or_set(db: AsyncSession) -> TextPolicy:
        current = await text_policy(db, project_id)
        if country is None and per_phone is None and per_ip is None and per_project is None:
            return current
        changed = TextPolicy(
            allowed_countries=tuple(country) if country is not None else current.allowed_countries,
            per_phone_per_hour=current.per_phone_per_hour if per_phone is None else per_phone,
            per_ip_per_hour=current.per_ip_per_hour if per_ip is None else per_ip,
            project_per_hour=current.project_per_hour if per_project is None else per_project,
        )
        return await set_text_policy(db, project_id, changed, now=now)

    try:
        result = run_in_transaction(get_settings(), show_or_set)
    except KeystileError as error:
        err.print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
        raise typer.Exit(code=1) from None
    shown = {"project_id": project_id, **dataclasses.asdict(result)}
    if as_json:
        print(json.dumps(shown))
        return
    for key, value in shown.items():
        out.print(f"[bold]{key}[/bold]: {escape(str(value))}")


@app.command("sink")
def sink(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8025,
) -> None:
    """Run a loopback Twilio-compatible SMS provider that prints every message and sends none; point
    servers at it with the KEYSTILE_SMS_URL it prints."""

    def show(message: SinkMessage) -> None:
        out.print(f"[bold]{message.channel}[/bold] to {escape(message.to)}: {escape(message.body)}")

    server = SmsSink(host, port, on_message=show)
    err.print(f"KEYSTILE_SMS_URL={server.url}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err.print("stopped")
