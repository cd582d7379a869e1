"""Rendering the emails (subject, text and HTML) and text messages keystile sends from the Jinja2
templates beside this module; HTML is autoescaped, text is not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

# Emails carrying a link (context: `link`, `expiration_minutes`).
EMAIL_TEMPLATES: Final = ("login", "signup", "invite", "reset_password", "discovery", "email_update")
# Emails carrying a one-time passcode (context: `code`, `expiration_minutes`).
CODE_EMAIL_TEMPLATES: Final = ("otp",)
# SMS and WhatsApp bodies, `<name>.sms.txt` (context: `code`, `expiration_minutes`).
TEXT_TEMPLATES: Final = ("otp",)
# Context keys a template may use without the caller passing them.
OPTIONAL_CONTEXT: Final[dict[str, Any]] = {"project_name": None}

# Largest first; the last one divides every whole number of minutes.
DURATION_UNITS: Final = ((24 * 60, "day"), (60, "hour"), (1, "minute"))


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def duration(minutes: int) -> str:
    """`60` -> "1 hour", `10080` -> "7 days", `90` -> "90 minutes": the largest exact unit."""
    size, unit = next((size, unit) for size, unit in DURATION_UNITS if minutes % size == 0)
    count = minutes // size
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("keystile.delivery", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["duration"] = duration
    return environment


ENVIRONMENT: Final = _environment()


def render_email(template: str, context: dict[str, Any]) -> RenderedEmail:
    """Render the email `template` (one of EMAIL_TEMPLATES or CODE_EMAIL_TEMPLATES); a missing
    required key raises."""
    if template not in EMAIL_TEMPLATES + CODE_EMAIL_TEMPLATES:
        raise ValueError(f"unknown email template: {template!r}")
    values = {**OPTIONAL_CONTEXT, **context}
    return RenderedEmail(
        subject=" ".join(ENVIRONMENT.get_template(f"{template}.subject.txt").render(values).split()),
        body_text=ENVIRONMENT.get_template(f"{template}.txt").render(values),
        body_html=ENVIRONMENT.get_template(f"{template}.html").render(values),
    )


def render_text(template: str, context: dict[str, Any]) -> str:
    """Render the text-message `template` (one of TEXT_TEMPLATES) as one line."""
    if template not in TEXT_TEMPLATES:
        raise ValueError(f"unknown text template: {template!r}")
    values = {**OPTIONAL_CONTEXT, **context}
    return " ".join(ENVIRONMENT.get_template(f"{template}.sms.txt").render(values).split())
