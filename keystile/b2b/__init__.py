"""B2B: organizations, members, discovery, intermediate sessions and member sessions."""
