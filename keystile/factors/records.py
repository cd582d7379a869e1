"""How a session records an authenticated factor: the SDK's AuthenticationFactor shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from keystile.clock import rfc3339


def authentication_factor(
    factor_type: str, delivery_method: str, now: datetime, **details: dict[str, str]
) -> dict[str, Any]:
    """`{"type", "delivery_method", timestamps, "<kind>_factor": {…}}` for a factor authenticated
    at `now`; `details` are the `*_factor` objects (`email_factor={"email_id": …}`)."""
    stamp = rfc3339(now)
    return {
        "type": factor_type,
        "delivery_method": delivery_method,
        "last_authenticated_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        **details,
    }
