"""The blob store port (originals, renditions) and its S3 and local-directory adapters."""
