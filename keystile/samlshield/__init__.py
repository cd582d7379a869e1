"""SAML Shield: a SAML Response's structure checked for the known attacks, without the IdP's certificate.

Nothing here verifies a signature (that needs the certificate, which the caller keeps): it refuses the
shapes a signature check alone lets through, before the caller's SAML library reads the Response.
"""
