"""The frontend SDK API (`/sdk/v1`) that Stytch's browser SDKs call: thin routers over the `/v1` handlers."""
