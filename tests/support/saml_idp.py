"""A SAML identity provider on loopback: pysaml2's IdP with its own signing key, serving its metadata and
an SSO endpoint (HTTP-Redirect in, an HTTP-POST form out) that signs in `user` at once or after a login
form; and the signed, unsigned, forged or expired Responses the negative tests post themselves."""

from __future__ import annotations

import base64
import html
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import saml2.assertion
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.time_util import TIME_FORMAT, instant
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

from tests.support.certificates import key_and_certificate


@dataclass
class User:
    email: str
    first_name: str = "Ada"
    last_name: str = "Lovelace"
    groups: list[str] = field(default_factory=lambda: ["engineering"])


@dataclass
class SamlIdP:
    """pysaml2's IdP on 127.0.0.1; `user` is whom it signs in next."""

    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="saml-idp-")))
    user: User = field(default_factory=lambda: User("ada@example.com"))
    # The SP's encryption certificate (PEM): when set, assertions are encrypted to it.
    encrypt_to: str | None = None
    # Whether its SSO endpoint first asks a person to sign in (a login form), as a real IdP does; else
    # it signs `user` in at once.
    login_form: bool = False
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.key, self.cert = key_and_certificate(self.directory, "idp")
        self.evil_key, self.evil_cert = key_and_certificate(self.directory, "evil")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/idp"

    @property
    def sso_url(self) -> str:
        return f"{self.base_url}/sso"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def certificate(self) -> str:
        return self.cert.read_text()

    def _config(
        self, *, key: Path, cert: Path, lifetime_minutes: int, sp: tuple[str, str] | None
    ) -> IdPConfig:
        metadata = []
        if sp is not None:
            sp_entity_id, acs_url = sp
            metadata.append(
                '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                f'entityID="{html.escape(sp_entity_id)}"><md:SPSSODescriptor '
                'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
                f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" '
                f'Location="{html.escape(acs_url)}" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>'
            )
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "key_file": str(key),
                "cert_file": str(cert),
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]},
                        "policy": {"default": {"lifetime": {"minutes": lifetime_minutes}}},
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    }
                },
                "metadata": {"inline": metadata},
            }
        )
        return config

    def response(
        self,
        *,
        acs_url: str,
        audience: str,
        in_response_to: str | None,
        destination: str | None = None,
        sign_assertion: bool = True,
        sign_response: bool = False,
        forged: bool = False,
        expired: bool = False,
        sha1: bool = False,
    ) -> str:
        """A SAML Response (XML) for `user`: signed by the IdP's key (RSA-SHA256, or RSA-SHA1 when
        `sha1`), or by another one when `forged`; `expired`: issued ten minutes ago for five minutes."""
        key, cert = (self.evil_key, self.evil_cert) if forged else (self.key, self.cert)
        server = Server(
            config=self._config(
                key=key, cert=cert, lifetime_minutes=-5 if expired else 5, sp=(audience, acs_url)
            )
        )
        issued = time.strftime(TIME_FORMAT, time.gmtime(time.time() - 600)) if expired else None
        with mock.patch.object(saml2.assertion, "instant", lambda *args, **kwargs: issued or instant()):
            return self._signed(
                server, acs_url, audience, in_response_to, destination, sign_assertion, sign_response, sha1
            )

    def _signed(
        self,
        server: Server,
        acs_url: str,
        audience: str,
        in_response_to: str | None,
        destination: str | None,
        sign_assertion: bool,
        sign_response: bool,
        sha1: bool,
    ) -> str:
        user = self.user
        attributes = {
            "email": [user.email],
            "firstName": [user.first_name],
            "lastName": [user.last_name],
            "groups": user.groups,
        }
        return str(
            server.create_authn_response(
                attributes,
                in_response_to=in_response_to,
                destination=destination or acs_url,
                sp_entity_id=audience,
                name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=user.email),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
                sign_assertion=sign_assertion,
                sign_response=sign_response,
                sign_alg=SIG_RSA_SHA1 if sha1 else SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA1 if sha1 else DIGEST_SHA256,
                encrypt_assertion=self.encrypt_to is not None,
                encrypt_cert_assertion=self.encrypt_to,
            )
        )

    def answer(self, saml_request: str) -> tuple[str, str]:
        """(the ACS URL, the signed Response) answering an AuthnRequest sent by HTTP-Redirect."""
        server = Server(config=self._config(key=self.key, cert=self.cert, lifetime_minutes=5, sp=None))
        request = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        acs_url, audience = str(request.assertion_consumer_service_url), str(request.issuer.text)
        return acs_url, self.response(acs_url=acs_url, audience=audience, in_response_to=str(request.id))

    def metadata(self) -> str:
        return str(entity_descriptor(self._config(key=self.key, cert=self.cert, lifetime_minutes=5, sp=None)))

    def start(self) -> SamlIdP:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/metadata":
                    self._send(200, idp.metadata(), "application/samlmetadata+xml")
                elif parts.path == "/sso" and idp.login_form:
                    self._send(200, login_page(parse_qs(parts.query)), "text/html")
                elif parts.path == "/sso":
                    self._answer(parse_qs(parts.query))
                else:
                    self._send(404, "not found", "text/plain")

            def do_POST(self) -> None:
                """The login form's submission: whoever typed their address is signed in."""
                length = int(self.headers.get("Content-Length", "0"))
                fields = parse_qs(self.rfile.read(length).decode())
                if self.path != "/login" or not fields.get("email"):
                    self._send(400, "sign in with an email address", "text/plain")
                    return
                idp.user = User(fields["email"][0])
                self._answer(fields)

            def _answer(self, fields: dict[str, list[str]]) -> None:
                acs_url, response = idp.answer(fields["SAMLRequest"][0])
                self._send(200, post_form(acs_url, response, fields.get("RelayState", [""])[0]), "text/html")

            def _send(self, status: int, body: str, media_type: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def login_page(query: dict[str, list[str]]) -> str:
    """The IdP's sign-in page, carrying the AuthnRequest and RelayState on to its answer."""
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(query[name][0])}"/>'
        for name in ("SAMLRequest", "RelayState")
        if name in query
    )
    return (
        "<!doctype html><title>Loopback IdP</title><h1>Sign in to Loopback IdP</h1>"
        f'<form method="post" action="/login">{hidden}'
        '<label>Email <input type="email" name="email" required></label> '
        '<label>Password <input type="password" name="password" required></label> '
        "<button>Sign in</button></form>"
    )


def post_form(acs_url: str, response_xml: str, relay_state: str) -> str:
    """The auto-submitting HTML form of the HTTP-POST binding."""
    encoded = base64.b64encode(response_xml.encode()).decode()
    return (
        f'<form method="post" action="{html.escape(acs_url)}">'
        f'<input type="hidden" name="SAMLResponse" value="{encoded}"/>'
        f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}"/>'
        "</form><script>document.forms[0].submit()</script>"
    )


def read_form(page: str) -> tuple[str, dict[str, str]]:
    """(the action, the fields) of the HTTP-POST form an IdP page carries."""
    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    fields = {
        name: html.unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
    }
    return action, fields
