"""Project metrics (`GET /v1/projects/metrics`): how many users, organizations, members and M2M clients a
project holds, counted across the domains (so it sits above them)."""
