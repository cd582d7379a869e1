"""keystile as an OAuth 2.1 / OpenID Connect provider for Connected Apps: authorization codes with
PKCE, refresh token families, ID tokens; the protocol itself is Authlib's. On import it registers the
erasers that delete its rows with a revoked grant, a deleted user, member or organization."""

from keystile.b2b.erasure import register_erasers
from keystile.connected_apps.grants import register_token_eraser
from keystile.identity.profile import register_user_data
from keystile.idp.erasure import erase_grant_tokens, erase_organization, erase_subject

register_token_eraser(erase_grant_tokens)
register_user_data(erasers=(erase_subject,))
register_erasers(member=erase_subject, organization=erase_organization)
