"""The error catalogue: `ErrorType` and `TABLE` list the same types, every entry is complete, every error
type written in keystile/'s source is catalogued, and the README's table is the catalogue's."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from typer.testing import CliRunner

from keystile.cli.main import app
from keystile.errors import CATALOGUE, TABLE, ErrorType, Owner, markdown_table

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "keystile"
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


def test_error_type_and_table_list_the_same_types_in_the_same_order_once_each() -> None:
    assert list(get_args(ErrorType)) == [entry.error_type for entry in TABLE]
    assert len(CATALOGUE) == len(TABLE)


def test_every_entry_carries_status_message_and_stytch_url() -> None:
    for error_type, entry in CATALOGUE.items():
        assert 400 <= entry.status_code < 600, error_type
        assert entry.message.strip(), error_type
        assert entry.error_url == f"https://stytch.com/docs/api/errors/{entry.status_code}#{error_type}"
        assert entry.owner in set(Owner), error_type


def test_every_error_type_raised_in_keystile_is_catalogued() -> None:
    raised: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        raised |= _error_types_in(ast.parse(path.read_text(), filename=str(path)))
    assert len(raised) > 100  # the scan finds the raisers
    assert raised - set(CATALOGUE) == set()


def test_keystile_errors_table_prints_one_row_per_entry() -> None:
    result = CliRunner().invoke(app, ["errors", "table"])
    assert result.exit_code == 0, result.output
    assert result.output == markdown_table()
    rows = result.output.splitlines()[2:]
    assert len(rows) == len(TABLE)
    assert "| `user_not_found` | 404 | stytch | User could not be found. |" in rows


def test_readme_error_table_is_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- errors table:")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- end of errors table -->")
    assert readme[start:end] == markdown_table(), "regenerate it with `keystile errors table`"
