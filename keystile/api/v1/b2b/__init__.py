"""`/v1/b2b`: the B2B API (organizations, members, magic links, discovery, member sessions)."""
