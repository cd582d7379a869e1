"""Session migration: a session of another provider becomes a keystile session, by the email its
OIDC userinfo endpoint answers for the provider's token."""
