"""Fixtures of the SDK tests: a B2B project whose RBAC policy is the documents policy of
test_rbac_policy (set with `keystile rbac policy set`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sdk.test_rbac_policy import POLICY, set_policy
from tests.support.server import KeystileServer, Project


@pytest.fixture
def documents_policy(server: KeystileServer, b2b_project: Project, tmp_path: Path) -> Project:
    """`b2b_project`, with a `documents` resource and an `editor` role in its policy."""
    assert set_policy(server, b2b_project, POLICY, tmp_path).returncode == 0
    return b2b_project
