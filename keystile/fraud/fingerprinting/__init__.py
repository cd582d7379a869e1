"""Device Fingerprinting: browser telemetry recorded under a telemetry id, its fingerprints and
verdict at lookup, and the project's rules and verdict-reason overrides that change the verdict."""
