"""Projects: their API secrets, public tokens and redirect-URL allowlists."""
