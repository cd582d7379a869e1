"""Fingerprints: stable hashes of a browser's signals, keyed by project (one device's fingerprints in
two projects do not match), in Stytch's `<kind>-<uuid>` form; and the visitor ids keystile issues."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import uuid
from dataclasses import dataclass

from keystile.fraud.fingerprinting.signals import BrowserSignals

VISITOR_PREFIX = "visitor"
UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# The prefix of each identifier a rule may name.
PREFIXES = {
    "VISITOR_ID": VISITOR_PREFIX,
    "BROWSER_ID": "browser-id",
    "VISITOR_FINGERPRINT": "visitor-fingerprint",
    "BROWSER_FINGERPRINT": "browser-fingerprint",
    "HARDWARE_FINGERPRINT": "hardware-fingerprint",
    "NETWORK_FINGERPRINT": "network-fingerprint",
}
# Addresses of one network share a network fingerprint.
IPV4_NETWORK_PREFIX, IPV6_NETWORK_PREFIX = 24, 48


@dataclass(frozen=True)
class Fingerprints:
    network_fingerprint: str
    hardware_fingerprint: str
    browser_fingerprint: str
    visitor_fingerprint: str
    visitor_id: str
    browser_id: str

    def by_rule_type(self) -> dict[str, str]:
        """Each identifier under the rule type that names it (`VISITOR_ID`, ...)."""
        return {rule_type: getattr(self, rule_type.lower()) for rule_type in PREFIXES}


def new_visitor_id() -> str:
    return f"{VISITOR_PREFIX}-{uuid.uuid4()}"


def is_identifier(rule_type: str, value: str) -> bool:
    """Whether `value` has the form of a `rule_type` identifier keystile issues."""
    return re.fullmatch(f"{PREFIXES[rule_type]}-{UUID_PATTERN}", value) is not None


def fingerprints(project_id: str, signals: BrowserSignals, visitor_id: str, ip_address: str) -> Fingerprints:
    def digest(kind: str, *parts: object) -> str:
        material = json.dumps([project_id, kind, *parts], sort_keys=True, default=str).encode()
        return f"{kind}-{uuid.UUID(bytes=hashlib.sha256(material).digest()[:16])}"

    hardware = digest(
        PREFIXES["HARDWARE_FINGERPRINT"],
        signals.platform,
        signals.hardware_concurrency,
        signals.device_memory,
        signals.screen_width,
        signals.screen_height,
        signals.color_depth,
        signals.pixel_ratio,
        signals.touch_points,
        signals.webgl_vendor,
        signals.webgl_renderer,
    )
    browser = digest(
        PREFIXES["BROWSER_FINGERPRINT"],
        signals.user_agent,
        signals.languages,
        signals.plugins_count,
        signals.has_chrome_object,
        signals.webdriver,
    )
    network = digest(PREFIXES["NETWORK_FINGERPRINT"], _network(ip_address))
    return Fingerprints(
        network_fingerprint=network,
        hardware_fingerprint=hardware,
        browser_fingerprint=browser,
        visitor_fingerprint=digest(PREFIXES["VISITOR_FINGERPRINT"], hardware, browser, signals.timezone),
        visitor_id=visitor_id,
        browser_id=digest(PREFIXES["BROWSER_ID"], visitor_id, network),
    )


def _network(ip_address: str) -> str:
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ip_address
    prefix = IPV4_NETWORK_PREFIX if address.version == 4 else IPV6_NETWORK_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
