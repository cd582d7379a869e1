"""What an email address's text alone tells: its syntax, its normalized form and tumbling characters,
and whether its local part names a role rather than a person."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

# Local parts that name a function or a group, not an individual (RFC 2142's mailboxes and their kin).
ROLE_LOCAL_PARTS = frozenset(
    {
        "abuse", "accounting", "accounts", "admin", "administrator", "billing", "careers", "contact",
        "customerservice", "dev", "devnull", "enquiries", "feedback", "finance", "help", "helpdesk",
        "hostmaster", "hr", "info", "inquiries", "it", "jobs", "legal", "mail", "mailer-daemon",
        "marketing", "newsletter", "no-reply", "noc", "noreply", "office", "ops", "postmaster",
        "press", "privacy", "root", "sales", "security", "service", "support", "sysadmin", "team",
        "webmaster",
    }
)  # fmt: skip
TUMBLING_CHARACTERS = ".+"


@dataclass(frozen=True)
class Address:
    has_valid_syntax: bool
    normalized_email: str
    tumbling_character_count: int
    is_suspected_role_address: bool
    domain: str


def read_address(email: str) -> Address:
    """The address's signals; `domain` is "" when the address has none."""
    local, _, domain = email.strip().rpartition("@")
    local, domain = local.lower(), domain.lower()
    tag_free = local.split("+", 1)[0]
    return Address(
        has_valid_syntax=_valid_syntax(email),
        # Stytch's normalization: '.' removed from the local part, and whatever follows a '+'.
        normalized_email=f"{tag_free.replace('.', '')}@{domain}" if local else email.strip().lower(),
        tumbling_character_count=sum(local.count(c) for c in TUMBLING_CHARACTERS),
        is_suspected_role_address=tag_free in ROLE_LOCAL_PARTS
        or tag_free.replace(".", "") in ROLE_LOCAL_PARTS,
        domain=domain,
    )


def _valid_syntax(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
