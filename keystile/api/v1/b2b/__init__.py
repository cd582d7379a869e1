"""`/v1/b2b`: the B2B API (organizations, members, magic links, passwords, discovery, member sessions)."""
