"""Rendering HTML pages from the Jinja2 templates beside this module, always autoescaped."""

from __future__ import annotations

from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined

ENVIRONMENT: Final = Environment(
    loader=PackageLoader("keystile.ui", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_page(template: str, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(context)
