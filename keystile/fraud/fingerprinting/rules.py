"""Rules: which identifier a `rules/set` names (exactly one, well-formed), and which of a project's
rules applies to a lookup (Stytch's order of rule types; among CIDR blocks the smallest, then the most
severe action)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import phonenumbers

from keystile.errors import KeystileError
from keystile.fraud.fingerprinting.fingerprints import PREFIXES, is_identifier

# The order in which rule types take precedence.
RULE_TYPES = (*PREFIXES, "CIDR_BLOCK", "ASN", "COUNTRY_CODE")
RULE_ACTIONS = ("ALLOW", "CHALLENGE", "BLOCK", "NONE")
NONE = "NONE"
# Actions from the least to the most severe.
SEVERITY = ("ALLOW", "CHALLENGE", "BLOCK")
MIN_CIDR_PREFIX = 16
MAX_ASN = 4_294_967_295


@dataclass(frozen=True)
class RuleTarget:
    rule_type: str
    identifier: str


@dataclass(frozen=True)
class StoredRule:
    rule_type: str
    identifier: str
    action: str


def rule_target(identifiers: Mapping[str, str | None], action: str) -> RuleTarget:
    """The one identifier of a `rules/set` (keyed by its field name: `visitor_id`, `cidr_block`, ...),
    normalized, once `action` is one a rule may have for it."""
    if action not in RULE_ACTIONS:
        raise KeystileError("invalid_action_for_rules")
    given = [(name.upper(), value) for name, value in identifiers.items() if value is not None]
    if len(given) != 1:
        raise KeystileError("dfp_rule_identifier_count")
    rule_type, value = given[0]
    if rule_type in PREFIXES:
        if not is_identifier(rule_type, value):
            raise KeystileError("invalid_fingerprint_or_id")
        return RuleTarget(rule_type, value)
    if rule_type == "CIDR_BLOCK":
        return RuleTarget(rule_type, _cidr_block(value))
    if rule_type == "ASN":
        if not value.isdigit() or int(value) > MAX_ASN:
            raise KeystileError("invalid_asn")
        return RuleTarget(rule_type, str(int(value)))
    if value.upper() not in phonenumbers.SUPPORTED_REGIONS or not value.isalpha():
        raise KeystileError("invalid_country_code")
    if action == "ALLOW":
        raise KeystileError("invalid_country_code_allow_rule")
    return RuleTarget(rule_type, value.upper())


def _cidr_block(value: str) -> str:
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError as error:
        raise KeystileError("invalid_cidr_block") from error
    if network.prefixlen < MIN_CIDR_PREFIX:
        raise KeystileError("cidr_block_invalid_prefix")
    return str(network)


def matching_rule(
    rules: Iterable[StoredRule], identifiers: Mapping[str, str], ip_address: str
) -> StoredRule | None:
    """The rule that decides a lookup with these identifiers (by rule type) and this IP address."""
    best: dict[str, StoredRule] = {}
    for rule in rules:
        if rule.rule_type == "CIDR_BLOCK":
            if _contains(rule.identifier, ip_address) and _cidr_precedes(rule, best.get("CIDR_BLOCK")):
                best["CIDR_BLOCK"] = rule
        elif identifiers.get(rule.rule_type) == rule.identifier:
            best[rule.rule_type] = rule
    return next((best[rule_type] for rule_type in RULE_TYPES if rule_type in best), None)


def _contains(cidr_block: str, ip_address: str) -> bool:
    try:
        return ipaddress.ip_address(ip_address) in ipaddress.ip_network(cidr_block)
    except (ValueError, TypeError):
        return False


def _cidr_precedes(rule: StoredRule, other: StoredRule | None) -> bool:
    if other is None:
        return True
    size, other_size = (
        ipaddress.ip_network(rule.identifier).prefixlen,
        ipaddress.ip_network(other.identifier).prefixlen,
    )
    if size != other_size:
        return size > other_size
    return SEVERITY.index(rule.action) > SEVERITY.index(other.action)
