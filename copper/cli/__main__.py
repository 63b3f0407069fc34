"""Run the `copper` command line as `python -m copper.cli` (how `copper dev` starts workers)."""

from copper.cli.root import main

if __name__ == "__main__":  # pragma: no cover
    main()
