"""Shared I/O ports and plumbing: the blob store (S3 and a directory), SQLite, botocore, cursors."""
