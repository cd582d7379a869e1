"""What an email domain's name and DNS tell: whether it is a disposable-mail domain (the maintained
`disposable-email-domains` list) and whether it has an MX record, or else an A or AAAA record, to
deliver to."""

from __future__ import annotations

import asyncio

import dns.asyncresolver
import dns.exception
import dns.resolver
from disposable_email_domains import blocklist

DELIVERY_RECORDS = ("MX", "A", "AAAA")


def is_disposable(domain: str) -> bool:
    """The domain or one of its parents is on the disposable list (`x.mailinator.com` too)."""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))


def resolver(address: str, timeout_seconds: float) -> dns.asyncresolver.Resolver:
    """The resolver at `address` (`HOST` or `HOST:PORT`), or the system's when it is empty."""
    if not address:
        found = dns.asyncresolver.Resolver()
    else:
        host, _, port = address.rpartition(":") if address.count(":") == 1 else (address, "", "53")
        found = dns.asyncresolver.Resolver(configure=False)
        found.nameservers = [host]
        found.port = int(port or 53)
    found.lifetime = timeout_seconds
    return found


async def has_mx_or_a_record(domain: str, dns_resolver: dns.asyncresolver.Resolver) -> bool:
    """Whether the domain has a record mail can be delivered by; False also when DNS does not answer
    within the resolver's lifetime, all lookups together."""
    try:
        async with asyncio.timeout(dns_resolver.lifetime):
            for record_type in DELIVERY_RECORDS:
                if await _has_record(domain, record_type, dns_resolver):
                    return True
    except (TimeoutError, dns.exception.Timeout, dns.resolver.NXDOMAIN, dns.resolver.NoNameservers):
        return False
    return False


async def _has_record(domain: str, record_type: str, dns_resolver: dns.asyncresolver.Resolver) -> bool:
    try:
        await dns_resolver.resolve(domain, record_type)
    except (dns.resolver.NoAnswer, dns.resolver.YXDOMAIN, dns.name.NameTooLong, dns.name.EmptyLabel):
        return False
    return True
