"""Benchmarks and synthetic-data generation for graphsc (not part of the installed package)."""
