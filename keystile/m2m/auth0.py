"""Reading an Auth0 export of applications into M2M clients that keep their credentials.

The export is what Auth0's Management API returns: the list of `GET /api/v2/clients` (with
`client_secret`, which needs the `read:client_keys` scope), or an object holding that list under
`clients` and the list of `GET /api/v2/client-grants` under `client_grants`, whose `scope` lists
become the clients' scopes. Applications without the client-credentials grant are not M2M clients
and are skipped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keystile.errors import KeystileError
from keystile.m2m.clients import NewClient

GRANT_TYPE = "client_credentials"


@dataclass(frozen=True)
class Auth0Export:
    clients: list[NewClient]
    # (client_id, why) for each application that is not imported.
    skipped: list[tuple[str, str]]


def _field(item: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = item.get(name)
    if value is not None and not isinstance(value, kind):
        raise KeystileError("invalid_argument", f"{where}: {name} must be a {kind.__name__}.")
    return value


def _grant_scopes(grants: list[Any]) -> dict[str, list[str]]:
    scopes: dict[str, list[str]] = {}
    for position, grant in enumerate(grants):
        where = f"client_grants[{position}]"
        if not isinstance(grant, dict):
            raise KeystileError("invalid_argument", f"{where} must be an object.")
        client_id = _field(grant, "client_id", str, where) or ""
        granted = _field(grant, "scope", list, where) or []
        if not all(isinstance(scope, str) for scope in granted):
            raise KeystileError("invalid_argument", f"{where}: scope must list strings.")
        scopes[client_id] = list(dict.fromkeys([*scopes.get(client_id, []), *granted]))
    return scopes


def read_auth0_export(export: Any) -> Auth0Export:
    """The M2M clients of an Auth0 export, with the same client_id and client_secret."""
    if isinstance(export, dict):
        applications, grants = export.get("clients"), export.get("client_grants", [])
    else:
        applications, grants = export, []
    if not isinstance(applications, list) or not isinstance(grants, list):
        raise KeystileError(
            "invalid_argument", "Expected a list of Auth0 clients, or {clients: [...], client_grants: [...]}."
        )
    scopes = _grant_scopes(grants)
    clients: list[NewClient] = []
    skipped: list[tuple[str, str]] = []
    for position, application in enumerate(applications):
        where = f"clients[{position}]"
        if not isinstance(application, dict):
            raise KeystileError("invalid_argument", f"{where} must be an object.")
        client_id = _field(application, "client_id", str, where)
        if not client_id:
            raise KeystileError("invalid_argument", f"{where} has no client_id.")
        grant_types = _field(application, "grant_types", list, where)
        if grant_types is not None and GRANT_TYPE not in grant_types:
            skipped.append((client_id, f"not an M2M application (no {GRANT_TYPE} grant)"))
            continue
        secret = _field(application, "client_secret", str, where)
        if not secret:
            raise KeystileError(
                "invalid_argument",
                f"{where} ({client_id}) has no client_secret (export with read:client_keys).",
            )
        clients.append(
            NewClient(
                scopes=scopes.get(client_id, []),
                client_id=client_id,
                client_secret=secret,
                client_name=_field(application, "name", str, where),
                client_description=_field(application, "description", str, where),
                trusted_metadata=_field(application, "client_metadata", dict, where),
            )
        )
    return Auth0Export(clients, skipped)
