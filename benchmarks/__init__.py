"""Benchmarks run by scripts/bench inside a real test Home Assistant (never part of scripts/test)."""
