"""Stytch's documented sandbox values for passcodes on test projects: sending to the sandbox phone
number (or to the magic links' sandbox address) sends nothing, and the code issued is always
SANDBOX_CODE. Public test fixtures, not credentials."""

from __future__ import annotations

from typing import Final

SANDBOX_PHONE: Final = "+10000000000"
SANDBOX_CODE: Final = "000000"
