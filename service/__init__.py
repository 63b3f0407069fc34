"""The shell every deployed function shares: settings, adapters, composition, the HTTP API."""
