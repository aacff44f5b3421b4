"""Benchmarks (`make bench`): figures for each scale and database, written to bench/results/. See run.py."""
