"""SAML Shield through the official SDK's `SamlShieldClient`: a Response the loopback pysaml2 IdP signed
is valid; each known attack, made by editing that signed XML, is refused with SAML Shield's error and
its reason; a wrong secret is a 401."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
from saml2 import xmldsig
from stytch import SamlShieldClient
from stytch.core.api_base import ApiBase
from stytch.core.response_base import StytchError

from tests.support import saml_attacks as attack
from tests.support.saml_idp import SamlIdP
from tests.support.server import KeystileServer, Project

VICTIM = "victim@example.com"
ANSWER = {"acs_url": "https://sp.example/acs", "audience": "https://sp.example/sp", "in_response_to": None}


@pytest.fixture(scope="module")
def idp() -> Iterator[SamlIdP]:
    yield SamlIdP()


def shield(server: KeystileServer, token: str) -> SamlShieldClient:
    """The SDK's client, pointed at keystile (its constructor takes only https base URLs)."""
    client = SamlShieldClient(public_token=token, custom_base_url="https://samlshield.invalid/")
    client.saml.api_base = ApiBase(server.base_url)
    return client


def encoded(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


def refusal(client: SamlShieldClient, saml_response: str) -> tuple[int, str, str]:
    with pytest.raises(StytchError) as caught:
        client.saml.validate(saml_response)
    details = caught.value.details
    return details.status_code, str(details.error_type), details.error_message


@pytest.mark.parametrize("signed", ["assertion", "response", "both"])
def test_a_signed_response_is_valid(
    server: KeystileServer, project: Project, idp: SamlIdP, signed: str
) -> None:
    xml = idp.response(
        **ANSWER, sign_assertion=signed in ("assertion", "both"), sign_response=signed in ("response", "both")
    )
    answer = shield(server, project.secret).saml.validate(encoded(xml))
    assert answer.status_code == 200
    assert answer.message == "SAML response is valid"
    assert answer.request_id


def test_base64_with_line_breaks_is_accepted(server: KeystileServer, project: Project, idp: SamlIdP) -> None:
    wrapped = base64.encodebytes(idp.response(**ANSWER).encode()).decode()
    assert shield(server, project.secret).saml.validate(wrapped).message == "SAML response is valid"


ATTACKS: dict[str, tuple[Callable[[SamlIdP], str], str]] = {
    "unsigned": (lambda idp: encoded(idp.response(**ANSWER, sign_assertion=False)), "must be signed"),
    "second assertion": (
        lambda idp: encoded(attack.second_assertion(idp.response(**ANSWER), VICTIM)),
        "found 2 Assertion/EncryptedAssertion elements",
    ),
    "wrapped assertion": (
        lambda idp: encoded(attack.wrapped(idp.response(**ANSWER), VICTIM)),
        "found 2 Assertion/EncryptedAssertion elements",
    ),
    "reference to another ID": (
        lambda idp: encoded(attack.reference_elsewhere(idp.response(**ANSWER))),
        "Reference does not point at the ID of its Assertion",
    ),
    "signature moved to the response": (
        lambda idp: encoded(attack.signature_moved_to_response(idp.response(**ANSWER))),
        "Reference does not point at the ID of its Response",
    ),
    "comment in NameID": (
        lambda idp: encoded(attack.comment_in(idp.response(**ANSWER), ".//saml:NameID", ".evil.example")),
        "illegal XML comments (in NameID)",
    ),
    "comment in an attribute value": (
        lambda idp: encoded(attack.comment_in(idp.response(**ANSWER), ".//saml:AttributeValue", "admins")),
        "illegal XML comments (in AttributeValue)",
    ),
    "entity declarations": (
        lambda idp: encoded(
            attack.with_doctype(
                idp.response(**ANSWER), '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            )
        ),
        "External Entities are forbidden",
    ),
    "external entity": (
        lambda idp: encoded(
            attack.with_doctype(idp.response(**ANSWER), '<!ENTITY x SYSTEM "file:///etc/passwd">')
        ),
        "External Entities are forbidden",
    ),
    "doctype": (
        lambda idp: encoded(attack.with_doctype(idp.response(**ANSWER), "")),
        "DOCTYPE detected and blocked",
    ),
    "doctype in UTF-16": (
        lambda idp: base64.b64encode(
            attack.with_doctype(idp.response(**ANSWER), "")
            .replace('<?xml version="1.0"?>', "")
            .encode("utf-16")
        ).decode(),
        "DOCTYPE detected and blocked",
    ),
    "XSLT transform": (
        lambda idp: encoded(attack.transform(idp.response(**ANSWER), xmldsig.TRANSFORM_XSLT)),
        f"the transform {xmldsig.TRANSFORM_XSLT} is not allowed",
    ),
    "SHA-1": (
        lambda idp: encoded(idp.response(**ANSWER, sha1=True)),
        "SignatureMethod is missing or not allowed",
    ),
    "malformed base64": (lambda idp: "PHNhbWxwOlJlc3BvbnNl*!", "SAMLResponse is not valid base64"),
    "malformed XML": (lambda idp: encoded("<samlp:Response"), "SAMLResponse is not well-formed XML"),
    "not a Response": (lambda idp: encoded("<html/>"), "exactly one SAML Response element"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_is_refused_with_its_reason(
    server: KeystileServer, project: Project, idp: SamlIdP, name: str
) -> None:
    build, reason = ATTACKS[name]
    status, error_type, message = refusal(shield(server, project.secret), build(idp))
    expected_type = "saml_assertion_not_signed" if name == "unsigned" else "xml_validation_error"
    assert (status, error_type) == (400, expected_type)
    assert message.startswith("Invalid input: ")
    assert reason in message


def test_a_wrong_secret_is_refused(server: KeystileServer, project: Project, idp: SamlIdP) -> None:
    valid = encoded(idp.response(**ANSWER))
    for token in (project.secret + "x", project.public_token, project.project_id):
        status, error_type, _ = refusal(shield(server, token), valid)
        assert (status, error_type) == (401, "unauthorized_credentials")
