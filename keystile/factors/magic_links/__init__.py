"""Email magic links: login/signup, invites, embeddable tokens, PKCE and single-use redemption."""
