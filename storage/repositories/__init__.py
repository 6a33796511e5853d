"""Repositories: the queries of each aggregate, by index, inside a unit of work."""
