"""Toll-fraud protection for SMS and WhatsApp: a per-project allowlist of destination countries and
hourly limits per phone number, per client IP address and per project. Every refusal is a Stytch
error (`invalid_phone_number_country_code`, `too_many_requests`), never a silent drop; a refused
request counts nothing, since its transaction rolls back."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import phonenumbers
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.delivery.models import SmsPolicy
from keystile.errors import KeystileError
from keystile.limits.send_slots import slot_key
from keystile.limits.windows import count_in_window
from keystile.projects.service import get_project

HOUR: Final = timedelta(hours=1)
MAX_LIMIT: Final = 1_000_000
# Clients on IPv6 get a whole /64 from their provider: it is the unit to limit, not one address.
IPV6_PREFIX: Final = 64


@dataclass(frozen=True)
class TextPolicy:
    """Where and how often a project may send SMS and WhatsApp messages."""

    allowed_countries: tuple[str, ...]
    per_phone_per_hour: int
    per_ip_per_hour: int
    project_per_hour: int


# Countries with low SMS-pumping risk and ordinary termination rates; a project opts into others.
DEFAULT_POLICY: Final = TextPolicy(
    allowed_countries=tuple("AT AU BE CA CH DE ES FI FR GB IE IT JP LU NL NO NZ PT SE US".split()),
    per_phone_per_hour=5,
    per_ip_per_hour=20,
    project_per_hour=1000,
)


def check_policy(policy: TextPolicy) -> TextPolicy:
    """The policy with its country codes upper-cased and sorted; unknown codes or limits outside
    0..MAX_LIMIT are refused."""
    countries = tuple(sorted({code.upper() for code in policy.allowed_countries}))
    unknown = [code for code in countries if code not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise KeystileError("invalid_argument", f"Unknown country codes: {', '.join(unknown)}.")
    limits = (policy.per_phone_per_hour, policy.per_ip_per_hour, policy.project_per_hour)
    if not all(0 <= limit <= MAX_LIMIT for limit in limits):
        raise KeystileError("invalid_argument", f"Hourly limits must be between 0 and {MAX_LIMIT}.")
    return TextPolicy(countries, *limits)


async def text_policy(db: AsyncSession, project_id: str) -> TextPolicy:
    row = await db.get(SmsPolicy, project_id)
    if row is None:
        return DEFAULT_POLICY
    return TextPolicy(
        allowed_countries=tuple(row.allowed_countries),
        per_phone_per_hour=row.per_phone_per_hour,
        per_ip_per_hour=row.per_ip_per_hour,
        project_per_hour=row.project_per_hour,
    )


async def set_text_policy(
    db: AsyncSession, project_id: str, policy: TextPolicy, *, now: datetime
) -> TextPolicy:
    """Replace the project's policy (operators, through `keystile sms policy`)."""
    await get_project(db, project_id)
    checked = check_policy(policy)
    row = await db.get(SmsPolicy, project_id)
    if row is None:
        row = SmsPolicy(project_id=project_id)
        db.add(row)
    row.allowed_countries = list(checked.allowed_countries)
    row.per_phone_per_hour = checked.per_phone_per_hour
    row.per_ip_per_hour = checked.per_ip_per_hour
    row.project_per_hour = checked.project_per_hour
    row.updated_at = now
    await db.flush()
    return checked


def client_network(ip_address: str) -> str:
    """What the per-IP limit counts: the address itself for IPv4, its /64 for IPv6."""
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError as error:
        raise KeystileError("invalid_ip_address") from error
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


async def admit_text_message(
    db: AsyncSession,
    *,
    project_id: str,
    number: str,
    ip_address: str | None,
    now: datetime,
) -> None:
    """Allow one more SMS or WhatsApp message to the E.164 `number` (requested for the end user at
    `ip_address`, when the app passes it), or raise the error that says why not."""
    policy = await text_policy(db, project_id)
    country = phonenumbers.region_code_for_number(phonenumbers.parse(number))
    if country not in policy.allowed_countries:
        raise KeystileError("invalid_phone_number_country_code")
    limits = [(slot_key("sms_phone", number), policy.per_phone_per_hour, "to this phone number")]
    if ip_address:
        network = client_network(ip_address)
        limits.append((slot_key("sms_ip", network), policy.per_ip_per_hour, "for this IP address"))
    limits.append(("sms_project", policy.project_per_hour, "for this project"))
    for key, limit, scope in limits:
        await count_in_window(
            db,
            project_id=project_id,
            key=key,
            limit=limit,
            window=HOUR,
            now=now,
            refusal=f"Too many text messages {scope} in this hour.",
        )
