"""SCIM provisioning for organizations: connections and their bearer tokens, and the SCIM 2.0 service."""
