"""Benchmarks run by `saraban bench`."""
