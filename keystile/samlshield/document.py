"""A SAMLResponse form value decoded and parsed safely: base64, then XML with no DTD, no entities and no
network; DOCTYPE declarations, comments and processing instructions refused."""

from __future__ import annotations

import base64
import binascii
import re

from lxml import etree

from keystile.errors import KeystileError

# The parser never loads or follows a DTD, expands no entity and fetches nothing.
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
    remove_pis=False,
)
_WHITESPACE = re.compile(rb"\s+")


def invalid(reason: str) -> KeystileError:
    """SAML Shield's refusal of a Response's shape, naming the reason."""
    return KeystileError("xml_validation_error", f"Invalid input: {reason}")


def decode(encoded: str) -> bytes:
    """The XML a base64 SAMLResponse carries (line breaks allowed, as IdPs wrap it)."""
    try:
        return base64.b64decode(_WHITESPACE.sub(b"", encoded.encode("ascii")), validate=True)
    except (UnicodeEncodeError, binascii.Error) as error:
        raise invalid("SAMLResponse is not valid base64") from error


def parse(xml: bytes) -> etree._Element:
    """The document's root element, once nothing in the document could change what a reader sees:
    no DOCTYPE (and so no entity), no comment and no processing instruction anywhere."""
    if b"<!ENTITY" in xml:
        raise invalid("External Entities are forbidden")
    if b"<!DOCTYPE" in xml:
        raise invalid("DOCTYPE detected and blocked")
    try:
        tree = etree.ElementTree(etree.fromstring(xml, _PARSER))
    except (etree.XMLSyntaxError, ValueError) as error:
        raise invalid("SAMLResponse is not well-formed XML") from error
    # Checked again once parsed: the byte checks above miss a declaration in another encoding.
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise invalid("DOCTYPE detected and blocked")
    root = tree.getroot()
    _refuse_hidden_nodes([*root.itersiblings(preceding=True), *root.iter(), *root.itersiblings()])
    return root


def _refuse_hidden_nodes(nodes: list[etree._Element]) -> None:
    """Comments split a NameID or attribute value that a signature covers as one (CVE-2017-11427);
    processing instructions and entity references likewise hide text from one reader or another."""
    for node in nodes:
        where = _local_name(node.getparent())
        if isinstance(node, etree._Comment):
            raise invalid(f"response contained illegal XML comments (in {where})")
        if isinstance(node, etree._ProcessingInstruction):
            raise invalid(f"response contained illegal processing instructions (in {where})")
        if isinstance(node, etree._Entity):
            raise invalid("External Entities are forbidden")


def _local_name(element: etree._Element | None) -> str:
    return "the document" if element is None else etree.QName(element).localname
