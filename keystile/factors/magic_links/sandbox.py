"""Stytch's documented sandbox values for magic links on test projects.

They are public test fixtures from Stytch's docs, not credentials.
"""

from __future__ import annotations

from typing import Final

SANDBOX_EMAIL: Final = "sandbox@stytch.com"
SUCCESS_TOKEN: Final = "DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94="  # noqa: S105
UNABLE_TO_AUTH_TOKEN: Final = "3pzjQpgksDlGKWEwUq2Up--hCHC_0oamfLHyfspKDFU="  # noqa: S105
NOT_FOUND_TOKEN: Final = "CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM="  # noqa: S105


def is_test_project(project_id: str) -> bool:
    return project_id.startswith("project-test-")
