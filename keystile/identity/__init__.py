"""Consumer identities: users with their emails and phone numbers."""
