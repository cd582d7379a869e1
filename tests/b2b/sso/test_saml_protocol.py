"""The pure parts of SAML connections, in process: an IdP's metadata read by pysaml2, the metadata
keystile builds from a connection's fields, and the certificates a connection accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from keystile.b2b.sso import certificates, saml_protocol
from keystile.errors import KeystileError
from tests.support.saml_idp import SamlIdP


def test_metadata_gives_entity_id_redirect_endpoint_and_signing_certificate() -> None:
    idp = SamlIdP(port=4321)
    read = saml_protocol.read_metadata(idp.metadata())
    assert (read.entity_id, read.sso_url) == (idp.entity_id, idp.sso_url)
    assert [pem.split() for pem in read.certificates] == [idp.certificate.split()]
    # The document keystile builds from those fields reads back the same.
    assert saml_protocol.read_metadata(saml_protocol.idp_metadata(read)) == read


@pytest.mark.parametrize("document", ["", "<html/>", "<md:EntityDescriptor xmlns:md='x'/>"])
def test_metadata_that_is_not_an_idp_is_refused(document: str) -> None:
    with pytest.raises(KeystileError) as refused:
        saml_protocol.read_metadata(document)
    assert refused.value.error_type == "invalid_xml_from_saml_metadata_url"


def test_certificates_must_be_pem_x509() -> None:
    idp = SamlIdP(port=4321)
    now = datetime(2026, 12, 4, tzinfo=UTC)
    entry = certificates.certificate_entry(idp.certificate, now)
    assert entry["issuer"] == "idp" and entry["certificate_id"].startswith("saml-verification-key-test-")
    for bad in ("nope", idp.certificate.replace("A", "B", 5), "x" * 20_000):
        with pytest.raises(KeystileError) as refused:
            certificates.certificate_entry(bad, now)
        assert refused.value.error_type == "invalid_x509_certificate"
