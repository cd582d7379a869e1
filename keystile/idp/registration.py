"""Dynamic client registration (RFC 7591), open when the project allows it, as MCP clients need:
Authlib checks the client metadata against the server's, and the client is created as a third-party
Connected App (public when it authenticates with `none`)."""

from __future__ import annotations

from typing import Any

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, JsonRequest
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from authlib.oauth2.rfc7591.errors import InvalidClientMetadataError, InvalidRedirectURIError

from keystile.calls import Call
from keystile.connected_apps.clients import NewClient, create_client
from keystile.errors import KeystileError
from keystile.idp.protocol import REQUEST_URI, Answer, error_answer
from keystile.idp.settings import provider_settings


class _Registration(ClientRegistrationEndpoint):  # type: ignore[misc]
    def __init__(self, server_metadata: dict[str, Any], open_registration: bool) -> None:
        super().__init__()
        self.server_metadata = server_metadata
        self.open_registration = open_registration

    def get_server_metadata(self) -> dict[str, Any]:
        return self.server_metadata

    def authenticate_token(self, request: Any) -> bool:
        return self.open_registration


def _request(body: dict[str, Any]) -> JsonRequest:
    request = JsonRequest("POST", REQUEST_URI)
    request.payload = BasicOAuth2Payload(body)
    return request


async def register(call: Call, body: dict[str, Any], server_metadata: dict[str, Any]) -> Answer:
    """RFC 7591 section 3.2: the registered client's id (and secret, for a confidential client) with
    its metadata; or the RFC's error."""
    settings = await provider_settings(call.db, call.project_id)
    endpoint = _Registration(server_metadata, settings.dynamic_registration)
    request = _request(body)
    try:
        if not endpoint.authenticate_token(request):
            return Answer(403, {"error": "access_denied", "error_description": "Registration is closed."}, {})
        metadata = endpoint.extract_client_metadata(request)
        if not metadata.get("redirect_uris"):
            raise InvalidRedirectURIError("Register at least one redirect URI.")
    except OAuth2Error as error:
        return error_answer(error)
    public = metadata.get("token_endpoint_auth_method", "client_secret_basic") == "none"
    try:
        created = await create_client(
            call,
            NewClient(
                client_type="third_party_public" if public else "third_party",
                client_name=metadata.get("client_name"),
                redirect_urls=list(metadata["redirect_uris"]),
                logo_url=metadata.get("logo_uri"),
            ),
            creation_method="dynamic",
        )
    except KeystileError as error:
        return error_answer(InvalidClientMetadataError(error.error_message))
    issued: dict[str, Any] = {
        "client_id": created.client.client_id,
        "client_id_issued_at": int(call.now.timestamp()),
        "token_endpoint_auth_method": "none"
        if public
        else metadata.get("token_endpoint_auth_method", "client_secret_basic"),
        "grant_types": metadata.get("grant_types", ["authorization_code", "refresh_token"]),
        "response_types": ["code"],
    }
    if created.secret is not None:
        issued |= {"client_secret": created.secret, "client_secret_expires_at": 0}
    return Answer(201, {**metadata, **issued}, {})
