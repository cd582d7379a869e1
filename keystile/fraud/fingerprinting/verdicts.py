"""The verdict: each warning flag's action (its default, or the project's override), the most severe
of them, or a matching rule's action with the reason RULE_MATCH."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from keystile.errors import KeystileError
from keystile.fraud.fingerprinting.rules import SEVERITY, StoredRule
from keystile.fraud.fingerprinting.signals import (
    HEADLESS_BROWSER_AUTOMATION,
    USER_AGENT_DECEPTION,
    VIRTUAL_MACHINE,
)

RULE_MATCH = "RULE_MATCH"
# The verdict reasons a project may override, with their default actions.
DEFAULT_ACTIONS = {
    HEADLESS_BROWSER_AUTOMATION: "BLOCK",
    USER_AGENT_DECEPTION: "BLOCK",
    VIRTUAL_MACHINE: "CHALLENGE",
}
# Reasons after which the device is not taken for what it claims to be.
DECEPTIONS = frozenset({HEADLESS_BROWSER_AUTOMATION, USER_AGENT_DECEPTION})
OVERRIDE_ACTIONS = ("ALLOW", "CHALLENGE", "BLOCK", "NONE")


@dataclass(frozen=True)
class Verdict:
    action: str
    reasons: list[str]
    is_authentic_device: bool
    # The overrides applied: reason and action.
    verdict_reason_overrides: list[tuple[str, str]]
    rule_match_type: str | None
    rule_match_identifier: str | None


def check_override(verdict_reason: str, override_action: str) -> None:
    """Refuses an override of a reason that cannot be overridden, or to an action that is none."""
    if verdict_reason not in DEFAULT_ACTIONS:
        raise KeystileError("invalid_verdict_reason")
    if override_action not in OVERRIDE_ACTIONS:
        raise KeystileError("invalid_verdict_reason_override_action")


def verdict(flags: list[str], overrides: Mapping[str, str], rule: StoredRule | None) -> Verdict:
    applied = [(reason, overrides[reason]) for reason in flags if reason in overrides]
    actions = [overrides.get(reason, DEFAULT_ACTIONS[reason]) for reason in flags]
    action = max(actions, key=SEVERITY.index, default="ALLOW")
    authentic = not DECEPTIONS.intersection(flags)
    if rule is not None:
        return Verdict(rule.action, [RULE_MATCH, *flags], authentic, applied, rule.rule_type, rule.identifier)
    return Verdict(action, flags, authentic, applied, None, None)
