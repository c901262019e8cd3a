"""Executors for segment work: the same tasks in local processes or on a Ray cluster, each failure
kept apart and named, and a store of finished results so a rerun redoes only what failed."""
