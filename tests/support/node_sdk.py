"""Run a scenario of the official Stytch Node SDK (tests/node/run.mjs) against a keystile server.

CI installs the SDK with `npm ci --prefix tests/node`; without it these tests fail (never skip).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import KeystileServer, Project

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
RUNNER = NODE_DIR / "run.mjs"
INSTALL_HINT = "run `npm ci --prefix tests/node` (needs Node 20+ on PATH)"


def node_executable() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"`node` is not on PATH: install Node 20+, then {INSTALL_HINT}", pytrace=False)
    if not (NODE_DIR / "node_modules" / "stytch" / "package.json").is_file():
        pytest.fail(f"the Stytch Node SDK is not installed in tests/node: {INSTALL_HINT}", pytrace=False)
    return node


def run_node_scenario(
    server: KeystileServer, project: Project, name: str, *, timeout: float = 120, **env: str
) -> dict[str, Any]:
    """Run `node tests/node/run.mjs NAME` against `server` as `project`; return its JSON result.

    Extra keyword arguments become environment variables of the Node process (they may override
    STYTCH_SECRET and friends). Fails the test, with the runner's output, unless the scenario
    reports `ok`. The result holds `steps` (step name -> SDK response, or the fields of an expected
    StytchError), `requests` (what the SDK sent) and `warnings` (what the SDK printed).
    """
    node = node_executable()
    process_env = {
        **os.environ,
        "KEYSTILE_BASE_URL": server.base_url,
        "STYTCH_PROJECT_ID": project.project_id,
        "STYTCH_SECRET": project.secret,
        **env,
    }
    done = subprocess.run(
        [node, str(RUNNER), name],
        cwd=NODE_DIR,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1]) if len(lines) == 1 else {}
    except json.JSONDecodeError:
        result = {}
    if done.returncode != 0 or result.get("ok") is not True:
        pytest.fail(
            f"Node scenario {name!r} failed (exit {done.returncode})\n"
            f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}",
            pytrace=False,
        )
    return result
