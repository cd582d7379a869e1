"""SAML 2.0 for one connection, done by pysaml2 (whose signatures xmlsec1 checks, against the IdP's
certificates only): keystile's signed AuthnRequest, the verification of an IdP's Response, an IdP's
metadata."""

from __future__ import annotations

import base64
import binascii
import contextlib
import tempfile
import textwrap
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from cryptography.hazmat.primitives import serialization
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, SAMLError
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.mdstore import InMemoryMetaData
from saml2.response import AuthnResponse, IncorrectlySigned, UnsolicitedResponse, VerificationError
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS
from saml2.sigver import RSACrypto, SignatureError, SigverError
from saml2.validate import ResponseLifetimeExceed, ToEarly
from saml2.xmldsig import (
    DIGEST_SHA256,
    DIGEST_SHA384,
    DIGEST_SHA512,
    SIG_ECDSA_SHA256,
    SIG_ECDSA_SHA384,
    SIG_ECDSA_SHA512,
    SIG_RSA_SHA256,
    SIG_RSA_SHA384,
    SIG_RSA_SHA512,
)

from keystile.errors import ErrorType, KeystileError

# The clock difference tolerated between keystile and the IdP for NotBefore and NotOnOrAfter.
CLOCK_SLACK_SECONDS = 30
NOT_SIGNED = "Neither the response nor the assertions are signed"
# pysaml2's redirect-binding signers are module-wide objects that are handed the key before each
# signature: one signature at a time, so that no request is signed with another connection's key.
_SIGNING = threading.Lock()
# The signature and digest algorithms accepted on a Response: the SHA-2 family only (no SHA-1, no MD5).
SIGNATURE_ALGORITHMS = frozenset(
    {SIG_RSA_SHA256, SIG_RSA_SHA384, SIG_RSA_SHA512, SIG_ECDSA_SHA256, SIG_ECDSA_SHA384, SIG_ECDSA_SHA512}
)
DIGEST_ALGORITHMS = frozenset({DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512})


@dataclass(frozen=True)
class ServiceProvider:
    """keystile's side of a connection: its entity id (the audience) and its ACS URL."""

    entity_id: str
    acs_url: str
    nameid_format: str = NAMEID_FORMAT_EMAILADDRESS
    # The ACS URL of the provider being migrated from, which proxies to keystile's: named in requests,
    # and accepted as a Response's Destination beside keystile's own.
    alternative_acs_url: str = ""

    @property
    def acs_urls(self) -> list[str]:
        return [url for url in (self.alternative_acs_url, self.acs_url) if url]


@dataclass(frozen=True)
class IdentityProvider:
    entity_id: str
    sso_url: str
    certificates: tuple[str, ...]  # PEM


@dataclass(frozen=True)
class Assertion:
    """What a verified Response asserts."""

    assertion_id: str
    in_response_to: str | None
    name_id: str
    # By attribute name (and friendly name), each with its values.
    attributes: dict[str, list[str]]
    not_on_or_after: datetime | None


def _pem_body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))


def idp_metadata(idp: IdentityProvider) -> str:
    """The IdP's metadata document as pysaml2 reads it, made from a connection's fields."""
    keys = "".join(
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{_pem_body(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        for pem in idp.certificates
    )
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID={quoteattr(idp.entity_id)}>'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"{keys}<md:SingleSignOnService Binding={quoteattr(BINDING_HTTP_REDIRECT)} "
        f"Location={quoteattr(idp.sso_url)}/></md:IDPSSODescriptor></md:EntityDescriptor>"
    )


def _client(sp: ServiceProvider, idp: IdentityProvider, *, allow_unsolicited: bool) -> Saml2Client:
    config = SPConfig()
    config.load(
        {
            "entityid": sp.entity_id,
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [(url, BINDING_HTTP_POST) for url in sp.acs_urls]
                    },
                    "want_assertions_or_response_signed": True,
                    "want_response_signed": False,
                    "want_assertions_signed": False,
                    "allow_unsolicited": allow_unsolicited,
                    "name_id_format": sp.nameid_format,
                    "only_use_keys_in_metadata": True,
                }
            },
            "metadata": {"inline": [idp_metadata(idp)]},
            "accepted_time_diff": CLOCK_SLACK_SECONDS,
            "allow_unknown_attributes": True,
        }
    )
    return Saml2Client(config)


def authn_request(
    sp: ServiceProvider, idp: IdentityProvider, relay_state: str, signing_key: bytes | None = None
) -> tuple[str, str]:
    """(the request's ID, the IdP URL that carries it by the HTTP-Redirect binding, signed with
    RSA-SHA256 by `signing_key`, a PEM private key, when given)."""
    client = _client(sp, idp, allow_unsolicited=False)
    if signing_key is None:
        request_id, info = client.prepare_for_authenticate(
            entityid=idp.entity_id, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
        )
    else:
        client.sec.sec_backend = RSACrypto(serialization.load_pem_private_key(signing_key, password=None))
        with _SIGNING:
            request_id, info = client.prepare_for_authenticate(
                entityid=idp.entity_id,
                relay_state=relay_state,
                binding=BINDING_HTTP_REDIRECT,
                sign=True,
                sigalg=SIG_RSA_SHA256,
            )
    return str(request_id), str(dict(info["headers"])["Location"])


def _refusal(error: Exception) -> KeystileError:
    """Stytch's error for what pysaml2 found wrong with a Response."""
    kinds: list[tuple[type[Exception], ErrorType]] = [
        (ResponseLifetimeExceed, "expired_saml_response"),
        (ToEarly, "not_yet_valid_saml_response"),
        (UnsolicitedResponse, "unsolicited_saml_response"),
        (SignatureError, "invalid_signature_saml_response"),
        (IncorrectlySigned, "invalid_signature_saml_response"),
        (VerificationError, "invalid_saml_response"),
    ]
    for kind, error_type in kinds:
        if isinstance(error, kind):
            return KeystileError(error_type)
    text = str(error)
    if NOT_SIGNED in text:
        return KeystileError("missing_signature_saml_response")
    if isinstance(error, SigverError):
        return KeystileError("invalid_signature_saml_response")
    if "AudienceRestrictions" in text:
        return KeystileError("invalid_audience_saml_response")
    return KeystileError("invalid_saml_response")


def _attributes(response: AuthnResponse) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for statement in response.assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [str(value.text or "").strip() for value in attribute.attribute_value]
            for name in {attribute.name, attribute.friendly_name} - {None, ""}:
                found.setdefault(str(name), []).extend(values)
    return found


def _check_algorithms(response: AuthnResponse) -> None:
    """Refuse a Response whose signatures (its own or its assertion's) use an algorithm outside the
    pinned SHA-2 sets, whatever xmlsec1 would accept."""
    for signed in (response.response, response.assertion):
        signature = getattr(signed, "signature", None)
        if signature is None:
            continue
        info = signature.signed_info
        digests = {reference.digest_method.algorithm for reference in info.reference}
        if info.signature_method.algorithm not in SIGNATURE_ALGORITHMS or not digests <= DIGEST_ALGORITHMS:
            raise KeystileError(
                "invalid_signature_saml_response",
                "The SAML response is signed with an algorithm keystile does not accept: "
                "RSA or ECDSA with SHA-256, SHA-384 or SHA-512 only.",
            )


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(str(value)[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def verify_response(
    sp: ServiceProvider,
    idp: IdentityProvider,
    saml_response: str,
    *,
    request_id: str | None,
    decryption_keys: tuple[bytes, ...] = (),
) -> Assertion:
    """The assertion of a Response to the AuthnRequest `request_id` (None: an IdP-initiated one, which
    must answer no request), once its signature, audience, recipient and times check out; an encrypted
    assertion is decrypted with one of `decryption_keys` (PEM private keys)."""
    try:
        base64.b64decode(saml_response, validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeystileError("invalid_xml_saml_response") from error
    outstanding = {request_id: sp.acs_url} if request_id else {}
    client = _client(sp, idp, allow_unsolicited=request_id is None)
    with contextlib.ExitStack() as files:
        # xmlsec1 reads decryption keys from files only: private to this process, gone after the call.
        key_files = [files.enter_context(tempfile.NamedTemporaryFile(suffix=".pem")) for _ in decryption_keys]
        for key_file, key in zip(key_files, decryption_keys, strict=True):
            key_file.write(key)
            key_file.flush()
        client.sec.enc_key_files = [key_file.name for key_file in key_files]
        try:
            response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding)
        except (SAMLError, Exception) as error:  # pysaml2 raises bare Exceptions for some conditions
            raise _refusal(error) from error
    if response is None or response.assertion is None:  # pysaml2 logs a wrong Destination, returns None
        raise KeystileError("invalid_saml_response", "The SAML response is not addressed to this connection.")
    _check_algorithms(response)
    if request_id is None and response.in_response_to:
        raise KeystileError("unsolicited_saml_response", "This response answers a request of another flow.")
    conditions = response.assertion.conditions
    return Assertion(
        assertion_id=str(response.assertion.id),
        in_response_to=response.in_response_to,
        name_id=str(response.name_id.text or "").strip() if response.name_id is not None else "",
        attributes=_attributes(response),
        not_on_or_after=_instant(conditions.not_on_or_after if conditions is not None else None),
    )


def read_metadata(xml: str) -> IdentityProvider:
    """The entity id, HTTP-Redirect SSO URL and signing certificates of an IdP's metadata document."""
    metadata = InMemoryMetaData(attrc=None)
    try:
        metadata.parse(xml)
        (entity_id,) = metadata.keys()
        services = metadata.service(entity_id, "idpsso_descriptor", "single_sign_on_service")
        location = str(services[BINDING_HTTP_REDIRECT][0]["location"])
        certificates = metadata.certs(entity_id, "idpsso", "signing")
    except Exception as error:  # malformed XML, no IdP, no redirect endpoint
        raise KeystileError("invalid_xml_from_saml_metadata_url") from error
    pems = tuple(
        "-----BEGIN CERTIFICATE-----\n"
        + "\n".join(textwrap.wrap("".join(str(body).split()), 64))
        + "\n-----END CERTIFICATE-----\n"
        for _, body in certificates
    )
    return IdentityProvider(entity_id=str(entity_id), sso_url=location, certificates=pems)
