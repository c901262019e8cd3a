"""GitHub through its CLI (``gh api``): the release commit status and the repository settings."""
