"""The error type of a call made through an official Stytch SDK that must be refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stytch.core.response_base import StytchError


def error_type(call: Callable[[], object]) -> str:
    """The `error_type` of the StytchError that `call` raises (the test fails if it raises none)."""
    with pytest.raises(StytchError) as caught:
        call()
    return str(caught.value.details.error_type)
