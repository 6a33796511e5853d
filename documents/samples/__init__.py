"""Realistic sample data for every document template: what `zhaoshang documents check`
renders each template with, and what the tests and benchmarks fill them from."""
