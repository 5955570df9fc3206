"""Benchmarks: each module times hipcheck against a baseline run beside it and prints the ratio.

Run them all with `python -m benchmarks` (or `make bench`); results go to docs/benchmarks.md.
"""
