"""Machine-to-machine clients and the OAuth 2.0 client-credentials grant."""
