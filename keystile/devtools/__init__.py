"""Development and test stand-ins that the server never imports: the loopback SMS provider."""
