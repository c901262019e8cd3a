"""The Git side: model registry (GTO tags), release gate, reports for pull requests, smoke runs."""
