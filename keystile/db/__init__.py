"""Storage plumbing: engine and URL handling, the declarative base, units of work, migrations."""
