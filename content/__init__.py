"""Content Management Service: artists, artworks, uploads."""
