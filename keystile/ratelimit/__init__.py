"""Rate limits per IP and per project that hold across every keystile process: counted in Redis when
`KEYSTILE_REDIS_URL` is set, in the shared database otherwise."""
