"""The error catalogue: `ErrorType` and `CATALOGUE` list the same types, every entry is complete, and
every error type written in keystile/'s source is catalogued."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from keystile.errors import CATALOGUE, ErrorType

SOURCE = Path(__file__).resolve().parent.parent / "keystile"
RAISERS = {"KeystileError", "CommittedRefusal", "retry_later"}


def _called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _error_types_in(tree: ast.AST) -> set[str]:
    """The string literals passed as the error type of a raiser, or as an `error_type=` argument."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        arguments = [keyword.value for keyword in node.keywords if keyword.arg == "error_type"]
        if _called_name(node) in RAISERS and node.args:
            arguments.append(node.args[0])
        literals = [arg.value for arg in arguments if isinstance(arg, ast.Constant)]
        found |= {value for value in literals if isinstance(value, str)}
    return found


def test_error_type_and_catalogue_list_the_same_types_in_the_same_order() -> None:
    assert list(get_args(ErrorType)) == list(CATALOGUE)


def test_every_entry_carries_status_message_and_stytch_url() -> None:
    for error_type, entry in CATALOGUE.items():
        assert 400 <= entry.status_code < 600, error_type
        assert entry.message.strip(), error_type
        assert entry.error_url == f"https://stytch.com/docs/api/errors/{entry.status_code}#{error_type}"


def test_every_error_type_raised_in_keystile_is_catalogued() -> None:
    raised: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        raised |= _error_types_in(ast.parse(path.read_text(), filename=str(path)))
    assert len(raised) > 100  # the scan finds the raisers
    assert raised - set(CATALOGUE) == set()
