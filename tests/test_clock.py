"""Timestamps as Stytch writes them: UTC, whole seconds, a `Z`, four-digit years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from keystile.clock import rfc3339


def test_rfc3339_is_utc_to_the_second() -> None:
    paris = timezone(timedelta(hours=1))
    assert rfc3339(datetime(2021, 12, 29, 13, 33, 9, 999_999, tzinfo=paris)) == "2021-12-29T12:33:09Z"
    assert rfc3339(datetime(5, 1, 2, 3, 4, 5, tzinfo=UTC)) == "0005-01-02T03:04:05Z"
    assert rfc3339(None) is None
