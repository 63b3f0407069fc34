"""Messaging: the work queue with its dead-letter queue, and the failure log (SQS or SQLite)."""
