"""Connected Apps: the OAuth clients a project registers (`clients`) and its users' and members'
grants to them (`grants`), served by the management API; the authorization server builds on both.

For the authorization server (issue #23): `clients.authenticate_client` checks a client's
credentials (a public client has no secret and proves itself with PKCE); `grants.record_grant`
records consent at the end of an authorization flow, `grants.granted_scopes` reads it (None means
consent is needed). `grants.revoke_grant` (one subject's grant, from the users' and members' revoke
routes) and `grants.revoke_client_grants` (every grant, when a client is deleted) drop grants; the
authorization server registers a token eraser (`grants.register_token_eraser`) that deletes what was
issued under them in the same unit of work, so a revoked grant can mint no more access tokens.
"""
