"""Errors a user can act on: the CLI prints the message and exits non-zero, without a traceback."""


class ForecastopsError(Exception):
    """A problem with input data or configuration; the message names the file, column and row."""
