"""Loopback names and addresses: the only binds, callers and Host headers the dev inbox accepts."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    """Whether `host` (a name, or an address with IPv6 in brackets or not) is this machine's loopback:
    `localhost`, 127.0.0.0/8 or ::1."""
    host = host.strip().lower().removeprefix("[").removesuffix("]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_host_header(header: str) -> bool:
    """Whether a Host header (`host`, `host:port`, `[v6]:port`) names a loopback host, which a page
    served under another name that resolves to 127.0.0.1 (DNS rebinding) cannot send."""
    if not header or any(c in header for c in "@/?#\\ "):
        return False
    try:
        parts = urlsplit(f"//{header}")
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:  # unbalanced IPv6 brackets, or a port that is not a number below 65536
        return False
    return parts.hostname is not None and is_loopback_host(parts.hostname)
