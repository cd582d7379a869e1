"""Fixtures of the security regression tests (one test module per finding of the attack review in
`shared/docs/security-review.md`): servers started with their own settings, as the hardening tests do."""

from __future__ import annotations

from tests.hardening.conftest import postgres_url, start_server

__all__ = ["postgres_url", "start_server"]
