"""Reproducible performance runs for imet-kg; results are written under benchmarks/results/."""
