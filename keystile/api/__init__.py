"""The HTTP layer: authentication, request/response schemas, routers and error rendering."""
