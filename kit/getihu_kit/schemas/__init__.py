"""Event payload schemas: the cross-service contracts, one module per publishing service."""
