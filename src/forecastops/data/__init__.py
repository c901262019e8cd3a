"""Data: source adapters, conditioning into the standard weekly table, and validation."""
