"""The backend API's HTTP layer: the app, its blueprints, error mapping and authentication."""
