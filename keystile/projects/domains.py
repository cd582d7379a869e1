"""The WebAuthn relying-party allowlist of a project: its allowed origins (`https://example.com`,
`http://localhost:3000` in test projects only), and the origins a request's `domain` (an RP id) may use."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from keystile.errors import KeystileError

LOCALHOST: Final = "localhost"
# A DNS name of letter-digit-hyphen labels (IDNs in their xn-- form), as an RP id must be.
HOSTNAME: Final = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _refuse(value: str, why: str, what: str) -> KeystileError:
    return KeystileError("invalid_argument", f"{value!r} is not an allowed {what}: {why}.")


def canonical_origin(value: str, *, test_project: bool, what: str = "WebAuthn domain") -> str:
    """The origin a project allows for `value`: a bare domain means its https origin; http is
    allowed for localhost in test projects only (browsers treat it as a secure context). `what` names
    the list in the refusal."""
    text = value.strip().lower()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        raise _refuse(value, "an origin is https://host[:port]", what)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise _refuse(value, "an origin has no path, query or fragment", what)
    if not HOSTNAME.match(host) or _is_ip_address(host):
        raise _refuse(value, "the host must be a domain name", what)
    if parts.scheme == "http" and not (host == LOCALHOST and test_project):
        raise _refuse(value, "http is allowed only for localhost, in test projects", what)
    port = parts.port
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def rp_id_of(origin: str) -> str:
    return urlsplit(origin).hostname or ""


def origins_for(domain: str, allowed: Iterable[str], *, test_project: bool) -> list[str]:
    """The allowed origins on which `domain` may serve as the relying-party id: those whose host is
    the domain or one of its subdomains (WebAuthn's rule), http ones only in a test project."""
    rp_id = domain.strip().lower()
    if not HOSTNAME.match(rp_id):
        return []
    return [
        origin
        for origin in allowed
        if (rp_id_of(origin) == rp_id or rp_id_of(origin).endswith(f".{rp_id}"))
        and (test_project or origin.startswith("https://"))
    ]
