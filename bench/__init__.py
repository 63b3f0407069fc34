"""Benchmarks: the pipeline against bare pyvips and Pillow (`python -m bench.pipeline`)."""
