"""Ingest: S3 object events and reprocess requests turned into renditions, records and documents."""
