"""The shared kernel: names every package may use (errors, storage keys, settings vocabulary)."""
