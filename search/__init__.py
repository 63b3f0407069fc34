"""The Search Service: documents, queries, the index port and its SQLite and OpenSearch adapters."""
