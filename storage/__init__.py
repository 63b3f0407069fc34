"""Shared I/O ports: the blob store (S3 and a directory) and the SQLite and botocore plumbing."""
