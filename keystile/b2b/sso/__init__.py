"""Enterprise SSO for organizations: SAML connections, the browser flow through the IdP, and SSO tokens."""
