"""keystile as an OAuth 2.1 / OpenID Connect provider for Connected Apps: authorization codes with
PKCE, refresh token families, ID tokens; the protocol itself is Authlib's."""
