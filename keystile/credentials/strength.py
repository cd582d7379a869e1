"""Password strength as Stytch judges it: a zxcvbn score of at least 3, or LUDS (length plus lower,
upper, digit and symbol classes), each with feedback a person can act on. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zxcvbn import zxcvbn  # type: ignore[import-untyped]

from keystile.credentials.policy import PasswordRules

MIN_ZXCVBN_SCORE = 3
# zxcvbn's matching grows faster than linearly with length, and zxcvbn 4.5 refuses (ValueError) a
# password over 72 characters; what follows them cannot make a password weaker than its beginning is.
MAX_EVALUATED_CHARACTERS = 72


@dataclass(frozen=True)
class LudsRequirements:
    has_lower_case: bool
    has_upper_case: bool
    has_digit: bool
    has_symbol: bool
    missing_complexity: int
    missing_characters: int


@dataclass(frozen=True)
class StrengthReport:
    valid: bool
    score: int
    warning: str
    suggestions: list[str] = field(default_factory=list)
    luds: LudsRequirements | None = None

    def explanation(self) -> str:
        """What to tell the person choosing the password (the weak_password error message)."""
        if self.luds is not None:
            return (
                f"Password needs {self.luds.missing_characters} more character(s) and "
                f"{self.luds.missing_complexity} more of: lower case, upper case, digit, symbol."
            )
        advice = " ".join(part for part in [self.warning, *self.suggestions] if part)
        return f"Password is too weak (zxcvbn score {self.score} of 4; 3 needed). {advice}".strip()


def luds_requirements(password: str, rules: PasswordRules) -> LudsRequirements:
    """Stytch's LUDS: a symbol is anything that is neither an ASCII letter nor an ASCII digit."""
    classes = {
        "lower": any("a" <= ch <= "z" for ch in password),
        "upper": any("A" <= ch <= "Z" for ch in password),
        "digit": any("0" <= ch <= "9" for ch in password),
        "symbol": any(not (ch.isascii() and ch.isalnum()) for ch in password),
    }
    return LudsRequirements(
        has_lower_case=classes["lower"],
        has_upper_case=classes["upper"],
        has_digit=classes["digit"],
        has_symbol=classes["symbol"],
        missing_complexity=max(0, rules.luds_min_complexity - sum(classes.values())),
        missing_characters=max(0, rules.luds_min_length - len(password)),
    )


def evaluate(password: str, rules: PasswordRules, user_inputs: list[str]) -> StrengthReport:
    """How `password` fares under the project's policy; `user_inputs` (the email, its local part)
    make passwords built from them weak."""
    result: dict[str, Any] = zxcvbn(password[:MAX_EVALUATED_CHARACTERS], user_inputs=user_inputs)
    score = int(result["score"])
    if rules.strength_policy == "luds":
        luds = luds_requirements(password, rules)
        valid = luds.missing_complexity == 0 and luds.missing_characters == 0
        return StrengthReport(valid=valid, score=score, warning="", luds=luds)
    feedback = result["feedback"]
    return StrengthReport(
        valid=score >= MIN_ZXCVBN_SCORE,
        score=score,
        warning=str(feedback.get("warning") or ""),
        suggestions=[str(s) for s in feedback.get("suggestions") or []],
    )
