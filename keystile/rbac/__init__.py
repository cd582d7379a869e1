"""Role-based access control in Stytch's shape: policies (resources, roles, scopes), their validation
and evaluation, per-organization custom roles, and an in-memory cache of each project's policy."""
