"""The `copper` command line: thin commands over the pipeline and the services."""

from copper.cli.root import main

__all__ = ["main"]
