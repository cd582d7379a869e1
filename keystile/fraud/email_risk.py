"""An email address's risk: its address and domain signals and whether mail to it bounced, and from
them a score (0 to 100) and the action Stytch names for its band."""

from __future__ import annotations

from dataclasses import dataclass

import dns.asyncresolver

from keystile.fraud.address import Address, read_address
from keystile.fraud.domain import has_mx_or_a_record, is_disposable

# Each signal's weight; the score is their sum, at most 100.
WEIGHTS = {
    "invalid_syntax": 100,
    "no_mx_or_a_record": 80,
    "disposable_domain": 75,
    "known_bounces": 40,
    "role_address": 30,
}
TUMBLING_WEIGHT, TUMBLING_MAX = 5, 25
BLOCK_FROM, CHALLENGE_FROM = 70, 30


@dataclass(frozen=True)
class EmailRisk:
    address: Address
    has_known_bounces: bool
    has_mx_or_a_record: bool
    is_disposable_domain: bool
    risk_score: int
    action: str  # ALLOW, CHALLENGE or BLOCK


async def email_risk(email: str, *, bounced: bool, dns_resolver: dns.asyncresolver.Resolver) -> EmailRisk:
    """The risk of `email`, mail to which has bounced before when `bounced` (the outbox knows)."""
    address = read_address(email)
    deliverable = address.has_valid_syntax and await has_mx_or_a_record(address.domain, dns_resolver)
    disposable = bool(address.domain) and is_disposable(address.domain)
    signals = {
        "invalid_syntax": not address.has_valid_syntax,
        "no_mx_or_a_record": not deliverable,
        "disposable_domain": disposable,
        "known_bounces": bounced,
        "role_address": address.is_suspected_role_address,
    }
    score = sum(WEIGHTS[name] for name, present in signals.items() if present)
    score = min(100, score + min(TUMBLING_MAX, TUMBLING_WEIGHT * address.tumbling_character_count))
    return EmailRisk(
        address=address,
        has_known_bounces=bounced,
        has_mx_or_a_record=deliverable,
        is_disposable_domain=disposable,
        risk_score=score,
        action="BLOCK" if score >= BLOCK_FROM else "CHALLENGE" if score >= CHALLENGE_FROM else "ALLOW",
    )
