"""Email magic links: login/signup, invites, embeddable tokens, PKCE and single-use redemption."""

from keystile.factors.magic_links.models import MagicLinkToken
from keystile.identity.profile import register_user_data

register_user_data(owned=(MagicLinkToken,))
