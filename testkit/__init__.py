"""The shared test kit of tests/ and bench/: images, profiles, similarity, stacks, outages."""
